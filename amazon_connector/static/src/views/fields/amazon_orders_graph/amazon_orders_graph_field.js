/** The Amazon Overview's small graph: orders per day, one stacked series per
 *  marketplace. The field holds {labels: [...days], datasets: [{label, data}]}. */
import { loadBundle } from "@web/core/assets";
import { cookie } from "@web/core/browser/cookie";
import { getColor } from "@web/core/colors/colors";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

import { Component, onWillStart, useEffect, useRef } from "@odoo/owl";

export class AmazonOrdersGraphField extends Component {
    static template = "amazon_connector.AmazonOrdersGraphField";
    static props = { ...standardFieldProps };

    setup() {
        this.canvasRef = useRef("canvas");
        this.chart = null;
        onWillStart(() => loadBundle("web.chartjs_lib"));
        useEffect(
            () => {
                this.renderChart();
                return () => this.chart?.destroy();
            },
            () => [this.props.record.data[this.props.name]]
        );
    }

    get data() {
        const raw = this.props.record.data[this.props.name];
        return raw ? JSON.parse(raw) : { labels: [], datasets: [] };
    }

    get isEmpty() {
        return !this.data.datasets.length;
    }

    renderChart() {
        this.chart?.destroy();
        const { labels, datasets } = this.data;
        const scheme = cookie.get("color_scheme");
        this.chart = new Chart(this.canvasRef.el, {
            type: "bar",
            data: {
                labels,
                datasets: datasets.map((dataset, index) => ({
                    label: dataset.label,
                    data: dataset.data,
                    backgroundColor: getColor(index, scheme, datasets.length),
                })),
            },
            options: {
                maintainAspectRatio: false,
                animation: false,
                plugins: {
                    legend: {
                        display: datasets.length > 0,
                        position: "bottom",
                        labels: { boxWidth: 10, font: { size: 10 } },
                    },
                    tooltip: { intersect: false, mode: "index" },
                },
                scales: {
                    x: {
                        stacked: true,
                        grid: { display: false },
                        ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 5, font: { size: 9 } },
                    },
                    y: { stacked: true, beginAtZero: true, ticks: { precision: 0, font: { size: 9 } } },
                },
            },
        });
    }
}

export const amazonOrdersGraphField = {
    component: AmazonOrdersGraphField,
    supportedTypes: ["text"],
};

registry.category("fields").add("amazon_orders_graph", amazonOrdersGraphField);

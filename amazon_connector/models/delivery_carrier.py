# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0.html)

from odoo import fields, models

from ..amazon.carrier_codes import CARRIER_CODES


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    amazon_carrier_code = fields.Selection(
        list(CARRIER_CODES),
        help="The carrier as Amazon knows it, sent with each shipment confirmation "
        "so that Amazon can follow the tracking number. Empty: the carrier is sent "
        "as 'Other' with its name.",
    )
    amazon_shipping_method = fields.Char(
        help="The service told to Amazon (e.g. 'Paket', 'Ground'); empty: the "
        "carrier's name.",
    )

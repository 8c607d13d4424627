from . import amazon_order_fetch_wizard
from . import res_config_settings

from . import amazon_order_fetch_wizard
from . import res_config_settings
from . import account_move_reversal
from . import amazon_order_cancel_wizard
from . import amazon_settlement_upload_wizard

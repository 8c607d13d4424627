from . import amazon_account, amazon_api_log, amazon_marketplace, res_company

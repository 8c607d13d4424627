-- A copied (staging) database must never talk to Amazon: the accounts are archived
-- and lose their secrets (as Odoo's payment providers do), the scheduled actions
-- stop, and a job queued before the copy finds its account unusable and does
-- nothing (amazon.account._amazon_job_blocker).
UPDATE amazon_account
   SET active = false,
       lwa_client_secret = NULL,
       refresh_token = NULL;
UPDATE ir_cron
   SET active = false
 WHERE id IN (SELECT res_id
                FROM ir_model_data
               WHERE module = 'amazon_connector'
                 AND model = 'ir.cron');

-- A copied (staging) database must never talk to Amazon.
UPDATE amazon_account
   SET active = false;
UPDATE ir_cron
   SET active = false
 WHERE id IN (SELECT res_id
                FROM ir_model_data
               WHERE module = 'amazon_connector'
                 AND model = 'ir.cron');

-- An order's event streams on every instance hear of each change of its status from the statement that
-- makes it (delivered when that transaction commits, never when it rolls back), instead of from a
-- separate SELECT pg_notify after it: one statement fewer on every order transition (issue 14).
-- The channel is per schema, as the listener's (storage/order-events.ts).
CREATE OR REPLACE FUNCTION premium_orders_notify_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('order_events_' || current_schema(), NEW.id::text);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER premium_orders_status_changed
  AFTER UPDATE OF status ON premium_orders
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION premium_orders_notify_change();

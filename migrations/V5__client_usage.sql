-- Requests of partner API clients per minute, shared by every server instance (an in-process
-- counter would allow N instances N times the budget). Rows older than a few minutes are
-- deleted by the next request of the same client.

CREATE TABLE api_client_usage (
    client uuid NOT NULL REFERENCES api_clients (id),
    minute bigint NOT NULL,
    requests integer NOT NULL,
    PRIMARY KEY (client, minute)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON api_client_usage TO cloudseal_runtime;

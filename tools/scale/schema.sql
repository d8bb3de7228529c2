-- Tables, indexes and views that tlsdissect-scale fills (docs/scaling.md). Every statement
-- can run again on an existing database: the tool applies this file on each start.
--
-- One row per `tlsdissect --sessions --jsonl` record, the record itself as JSONB (the keys
-- of docs/json.md), with the capture file (its path as the workers read it), the shard
-- ('K/N'; '1/1' for a file read whole) and when the row was written. A (file, shard) is
-- written in one transaction that first deletes its earlier rows, so a file processed
-- twice is counted once.

CREATE TABLE IF NOT EXISTS tls (
    file        text        NOT NULL,
    shard       text        NOT NULL,
    record      jsonb       NOT NULL,
    inserted_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS dns (
    file        text        NOT NULL,
    shard       text        NOT NULL,
    record      jsonb       NOT NULL,
    inserted_at timestamptz NOT NULL DEFAULT now()
);
-- One row per (file, shard) processed: tlsdissect's exit status (user guide, "Errors and
-- exit codes"), its last line on stderr, how many records it gave and how long it took.
CREATE TABLE IF NOT EXISTS capture_files (
    file        text        NOT NULL,
    shard       text        NOT NULL,
    exit_status integer     NOT NULL,
    message     text,
    tls_records integer     NOT NULL,
    dns_records integer     NOT NULL,
    seconds     real        NOT NULL,
    worker      text,
    inserted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (file, shard)
);

CREATE INDEX IF NOT EXISTS tls_file_shard ON tls (file, shard);
CREATE INDEX IF NOT EXISTS dns_file_shard ON dns (file, shard);
CREATE INDEX IF NOT EXISTS tls_sni ON tls ((record->>'sni'));
CREATE INDEX IF NOT EXISTS tls_ja4 ON tls ((record->'client_hello'->>'ja4'));
CREATE INDEX IF NOT EXISTS tls_server_ip ON tls ((record->'server'->>'ip'));
CREATE INDEX IF NOT EXISTS dns_name ON dns ((record->>'name'));
-- Containment queries on any key: WHERE record @> '{"version": "TLS 1.0"}'
CREATE INDEX IF NOT EXISTS tls_record ON tls USING gin (record jsonb_path_ops);
CREATE INDEX IF NOT EXISTS dns_record ON dns USING gin (record jsonb_path_ops);

-- Connections per server name (TLS over TCP, DTLS and QUIC alike).
CREATE OR REPLACE VIEW sni_connections AS
SELECT record->>'sni' AS sni, count(*) AS connections
FROM tls
WHERE record->>'sni' IS NOT NULL
GROUP BY 1;

-- Connections whose certificate chain did not validate (record.chain.valid is false).
CREATE OR REPLACE VIEW invalid_certificates AS
SELECT file, shard, (record->>'stream')::bigint AS stream, record->>'sni' AS sni,
       record->'certificates'->0->>'subject' AS subject,
       record->'chain'->>'reason' AS reason
FROM tls
WHERE record @> '{"chain": {"valid": false}}';

-- Client fingerprints (JA4) and how many connections sent each.
CREATE OR REPLACE VIEW ja4_counts AS
SELECT record->'client_hello'->>'ja4' AS ja4, count(*) AS connections
FROM tls
WHERE record->'client_hello'->>'ja4' IS NOT NULL
GROUP BY 1;

-- Every address a DNS answer gave for a name asked: the name in the question, the owner
-- name of the A/AAAA answer (the end of a CNAME chain), the address and its TTL.
CREATE OR REPLACE VIEW dns_addresses AS
SELECT d.file, d.shard, d.record->>'name' AS name, a->>'name' AS answer_name,
       a->>'type' AS type, a->>'data' AS address, (a->>'ttl')::bigint AS ttl
FROM dns d
CROSS JOIN LATERAL jsonb_array_elements(
    CASE WHEN jsonb_typeof(d.record->'answers') = 'array' THEN d.record->'answers' ELSE '[]' END) AS a
WHERE a->>'type' IN ('A', 'AAAA');

-- Audit findings (tlsdissect --audit), one row per finding.
CREATE OR REPLACE VIEW audit_findings AS
SELECT t.file, t.shard, (t.record->>'stream')::bigint AS stream, t.record->>'sni' AS sni,
       f->>'id' AS id, f->>'severity' AS severity, (f->>'frame')::bigint AS frame, f->>'why' AS why
FROM tls t
CROSS JOIN LATERAL jsonb_array_elements(
    CASE WHEN jsonb_typeof(t.record->'findings') = 'array' THEN t.record->'findings' ELSE '[]' END) AS f;

-- The (file, shard)s that did not give a whole capture's records.
CREATE OR REPLACE VIEW failed_files AS
SELECT file, shard, exit_status, message, inserted_at FROM capture_files WHERE exit_status <> 0;

-- A local development job: the seed's fixed DDL (case 2) reading a topic on a broker on this machine.
-- Partition 2 of 'pageviews' gets no traffic, so Flink's watermark never passes it (R2.1) and the
-- 5-minute windows never fire. Try:
--   flinkdoctor sample --ddl examples/kafka/pageviews.sql --out sample.jsonl   (needs the broker)
--   flinkdoctor simulate-windows examples/kafka/pageviews.sql --events examples/kafka/pageviews_sample.jsonl --partitions 3
SET 'parallelism.default' = '3';

CREATE TABLE pageviews (
  ip VARCHAR,
  event_time VARCHAR,
  referrer VARCHAR,
  host VARCHAR,
  url VARCHAR,
  window_timestamp AS TO_TIMESTAMP(event_time, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z'''),
  WATERMARK FOR window_timestamp AS window_timestamp - INTERVAL '15' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'pageviews',
  'properties.bootstrap.servers' = 'localhost:9092',
  'properties.group.id' = 'pageviews-agg',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json'
);

CREATE TABLE pageviews_per_host (
  window_start TIMESTAMP(3),
  window_end TIMESTAMP(3),
  host VARCHAR,
  hits BIGINT
) WITH ('connector' = 'print');

INSERT INTO pageviews_per_host
SELECT window_start, window_end, host, COUNT(*) AS hits
FROM TABLE(TUMBLE(TABLE pageviews, DESCRIPTOR(window_timestamp), INTERVAL '5' MINUTE))
GROUP BY window_start, window_end, host;

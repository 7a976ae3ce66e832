CREATE TABLE ev (
  host STRING,
  v INT,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'clicks',
  'properties.bootstrap.servers' = 'broker:9092',
  'properties.group.id' = 'fd-corpus',
  'scan.startup.mode' = 'earliest-offset',
  'scan.watermark.idle-timeout' = '10 s',
  'format' = 'json'
);

CREATE TABLE per_minute (
  window_start TIMESTAMP(3),
  window_end TIMESTAMP(3),
  host STRING,
  c BIGINT,
  s INT
) WITH (
  'connector' = 'print'
);

INSERT INTO per_minute
SELECT window_start, window_end, host, COUNT(*) AS c, SUM(v) AS s
FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end, host;

CREATE TABLE ev (
  host STRING,
  v INT,
  event_time STRING,
  ts AS TO_TIMESTAMP(event_time, 'yyyy-MM-dd HH:mm:ss'),
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
  host STRING,
  c BIGINT,
  s INT
) WITH (
  'connector' = 'print'
);

INSERT INTO per_minute
SELECT TUMBLE_START(ts, INTERVAL '1' MINUTE) AS window_start, host, COUNT(*) AS c, SUM(v) AS s
FROM ev
GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE), host;

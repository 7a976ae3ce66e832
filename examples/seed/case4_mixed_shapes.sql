-- Seed case 4 (seed-case.md §6): two events without millis: phantom 1970 rows or silent undercount
-- Flink 1.16.2 in the seed; the same rules hold in 1.20. env.enable_checkpointing(10), set_parallelism(3).
SET 'parallelism.default' = '3';
SET 'execution.checkpointing.interval' = '10 ms';

CREATE TABLE process_events_kafka (
  ip VARCHAR,
  event_time VARCHAR,
  referrer VARCHAR,
  host VARCHAR,
  url VARCHAR,
  geodata VARCHAR,
  window_timestamp AS TO_TIMESTAMP(event_time, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z'''),
  WATERMARK FOR window_timestamp AS window_timestamp - INTERVAL '15' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'bootcamp-events-prod',
  'properties.bootstrap.servers' = 'pkc-rgm37.us-west-2.aws.confluent.cloud:9092',
  'properties.group.id' = 'web-events',
  'properties.security.protocol' = 'SASL_SSL',
  'properties.sasl.mechanism' = 'PLAIN',
  'properties.sasl.jaas.config' = 'org.apache.flink.kafka.shaded.org.apache.kafka.common.security.plain.PlainLoginModule required username="KEY" password="SECRET";',
  'scan.startup.mode' = 'latest-offset',
  'properties.auto.offset.reset' = 'latest',
  'format' = 'json'
);

CREATE TABLE processed_events_aggregated (
  event_hour TIMESTAMP(3),
  host VARCHAR,
  num_hits BIGINT
) WITH (
  'connector' = 'jdbc',
  'url' = 'jdbc:postgresql://host.docker.internal:5432/postgres',
  'table-name' = 'processed_events_aggregated',
  'username' = 'postgres',
  'password' = 'postgres',
  'driver' = 'org.postgresql.Driver'
);

INSERT INTO processed_events_aggregated
SELECT TUMBLE_START(window_timestamp, INTERVAL '5' MINUTE) AS event_hour, host, COUNT(host) AS num_hits
FROM process_events_kafka
GROUP BY TUMBLE(window_timestamp, INTERVAL '5' MINUTE), host;

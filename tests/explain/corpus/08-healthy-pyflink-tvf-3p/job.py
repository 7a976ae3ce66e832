"""Healthy: TUMBLE TVF over 3 partitions into Postgres."""

from pyflink.datastream import StreamExecutionEnvironment
from pyflink.table import EnvironmentSettings, StreamTableEnvironment


def create_source(t_env):
    ddl = """
        CREATE TABLE ev (
          host STRING,
          v INT,
          event_time STRING,
          ts AS TO_TIMESTAMP(event_time, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z'''),
          WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
        ) WITH (
          'connector' = 'kafka',
          'topic' = 'clicks',
          'properties.bootstrap.servers' = 'broker:9092',
          'properties.group.id' = 'fd-corpus',
          'scan.startup.mode' = 'earliest-offset',
          'scan.watermark.idle-timeout' = '10 s',
          'format' = 'json'
        )
        """
    t_env.execute_sql(ddl)


def create_sink(t_env):
    ddl = """
        CREATE TABLE per_minute (
          window_start TIMESTAMP(3),
          window_end TIMESTAMP(3),
          host STRING,
          c BIGINT,
          s INT
        ) WITH (
          'connector' = 'jdbc',
          'url' = 'jdbc:postgresql://db:5432/analytics',
          'table-name' = 'per_minute',
          'username' = 'flink',
          'password' = '${DB_PASSWORD}'
        )
        """
    t_env.execute_sql(ddl)


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    settings = EnvironmentSettings.new_instance().in_streaming_mode().build()
    t_env = StreamTableEnvironment.create(env, environment_settings=settings)
    create_source(t_env)
    create_sink(t_env)
    t_env.execute_sql("""
        INSERT INTO per_minute
        SELECT window_start, window_end, host, COUNT(*) AS c, SUM(v) AS s
        FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
        GROUP BY window_start, window_end, host
    """).wait()


if __name__ == "__main__":
    main()

"""Broken: wrong key and a pattern that cannot parse the values."""

from pyflink.datastream import StreamExecutionEnvironment
from pyflink.table import EnvironmentSettings, StreamTableEnvironment
from pyflink.table.expressions import col, lit
from pyflink.table.window import Tumble


def create_source(t_env):
    ddl = """
        CREATE TABLE ev (
          host STRING,
          v INT,
          event_timestamp STRING,
          ts AS TO_TIMESTAMP(event_timestamp, 'yyyy-MM-dd HH:mm:ss'),
          WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
        ) WITH (
          'connector' = 'kafka',
          'topic' = 'clicks',
          'properties.bootstrap.servers' = 'broker:9092',
          'properties.group.id' = 'fd-corpus',
          'scan.startup.mode' = 'earliest-offset',
          'format' = 'json'
        )
        """
    t_env.execute_sql(ddl)


def create_sink(t_env):
    ddl = """
        CREATE TABLE per_minute (
          window_start TIMESTAMP(3),
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
    t_env.from_path("ev").window(
        Tumble.over(lit(1).minutes).on(col("ts")).alias("w")
    ).group_by(col("w"), col("host")).select(
        col("w").start.alias("window_start"),
        col("host"),
        col("host").count.alias("c"),
        col("v").sum.alias("s"),
    ).execute_insert("per_minute").wait()


if __name__ == "__main__":
    main()

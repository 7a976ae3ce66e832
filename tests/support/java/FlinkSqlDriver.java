/*
 * flinkdoctor test harness: runs Flink SQL scripts on real Flink 1.20 and reports results as JSON.
 *
 * Protocol (used by tests/support/flink.py): the JVM reads one JSON request per line on stdin and
 * writes one JSON response per line on the real stdout. Everything else (Flink's logs, the 'print'
 * connector) goes elsewhere: System.out is captured per case and returned as "printed".
 *
 * Requests:
 *   {"op":"run","id":..,"script":..,"mode":"streaming"|"batch","timeout_ms":..,"max_rows":..,
 *    "config":{k:v}}
 *   {"op":"bench_parse","id":..,"values_file":..,"pattern":..,"warmup_ms":..,"measure_ms":..}
 *   {"op":"ping","id":..}
 * EOF on stdin ends the JVM (so a dead parent never leaves a JVM behind).
 *
 * Jobs run on one MiniCluster shared by all cases (execution.target = flinkdoctor-shared, see
 * SharedExecutorFactory) because starting a MiniCluster per job costs more than the job itself.
 * A case may opt out with "target":"local" (Flink's own per-job MiniCluster).
 */

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.dag.Pipeline;
import org.apache.flink.client.deployment.executors.LocalExecutor;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ArrayNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.ResultKind;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.internal.TableEnvironmentInternal;
import org.apache.flink.table.api.internal.TableResultInternal;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.operations.BeginStatementSetOperation;
import org.apache.flink.table.operations.EndStatementSetOperation;
import org.apache.flink.table.operations.ModifyOperation;
import org.apache.flink.table.operations.Operation;
import org.apache.flink.table.operations.StatementSetOperation;
import org.apache.flink.table.operations.command.ResetOperation;
import org.apache.flink.table.operations.command.SetOperation;
import org.apache.flink.table.utils.DateTimeUtils;
import org.apache.flink.table.utils.print.RowDataToStringConverter;
import org.apache.flink.util.CloseableIterator;

public final class FlinkSqlDriver {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SHARED_TARGET = "flinkdoctor-shared";
    static final int SHARED_SLOTS = 8;
    static final int COLLECT_RETRY_MS = Integer.getInteger("flinkdoctor.collectRetryMs", 5);
    static final java.util.regex.Pattern RUNTIME_MODE_SET =
            java.util.regex.Pattern.compile(
                    "(?is)SET\\s+'execution\\.runtime-mode'\\s*=\\s*'(batch|streaming)'\\s*");

    static PrintStream protocolOut;
    static final CaptureStream CAPTURE = new CaptureStream();
    static volatile MiniCluster sharedCluster;

    public static void main(String[] args) throws Exception {
        protocolOut =
                new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        System.setOut(new PrintStream(CAPTURE, true, StandardCharsets.UTF_8));
        BufferedReader in =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        // Start the shared MiniCluster while the first case is being planned (2 threads, ~1 s).
        Thread warm =
                new Thread(
                        () -> {
                            try {
                                sharedCluster();
                            } catch (Exception e) {
                                e.printStackTrace();
                            }
                        },
                        "flinkdoctor-cluster-start");
        warm.setDaemon(true);
        warm.start();
        send(JSON.createObjectNode().put("ready", true));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode req;
            try {
                req = JSON.readTree(line);
            } catch (Exception e) {
                ObjectNode bad = JSON.createObjectNode();
                bad.set("error", errorNode(e, -1, "protocol"));
                send(bad);
                continue;
            }
            ObjectNode resp;
            String op = req.path("op").asText("run");
            try {
                if (op.equals("run")) {
                    resp = runCase(req);
                } else if (op.equals("bench_parse")) {
                    resp = benchParse(req);
                } else if (op.equals("ping")) {
                    resp = JSON.createObjectNode().put("pong", true);
                } else {
                    throw new IllegalArgumentException("unknown op " + op);
                }
            } catch (Throwable t) {
                resp = JSON.createObjectNode();
                resp.set("error", errorNode(t, -1, "driver"));
            }
            resp.set("id", req.get("id"));
            send(resp);
        }
        MiniCluster cluster = sharedCluster;
        if (cluster != null) {
            cluster.closeAsync().get(10, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    static void send(ObjectNode node) throws Exception {
        protocolOut.println(JSON.writeValueAsString(node));
        protocolOut.flush();
    }

    // ------------------------------------------------------------------------------------------
    // Running one case

    static ObjectNode runCase(JsonNode req) {
        long t0 = System.nanoTime();
        String script = req.path("script").asText("");
        boolean batch = req.path("mode").asText("streaming").equals("batch");
        long timeoutMs = req.path("timeout_ms").asLong(60_000);
        int maxRows = req.path("max_rows").asInt(100_000);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);

        Configuration conf = new Configuration();
        conf.setString("parallelism.default", "1");
        conf.setString(
                DeploymentOptions.TARGET.key(),
                req.path("target").asText("shared").equals("local") ? "local" : SHARED_TARGET);
        Iterator<Map.Entry<String, JsonNode>> extra = req.path("config").fields();
        while (extra.hasNext()) {
            Map.Entry<String, JsonNode> e = extra.next();
            conf.setString(e.getKey(), e.getValue().asText());
        }

        List<String> statements = splitStatements(script);
        // The SQL client rebuilds its environment when the runtime mode is SET; a TableEnvironment
        // fixes it at creation, so a SET of it anywhere in the script decides the mode up front.
        for (String sql : statements) {
            java.util.regex.Matcher m = RUNTIME_MODE_SET.matcher(sql);
            if (m.matches()) {
                batch = m.group(1).equalsIgnoreCase("batch");
            }
        }
        conf.set(
                org.apache.flink.configuration.ExecutionOptions.RUNTIME_MODE,
                batch ? RuntimeExecutionMode.BATCH : RuntimeExecutionMode.STREAMING);

        ObjectNode resp = JSON.createObjectNode();
        ArrayNode queries = resp.putArray("queries");
        ArrayNode timings = resp.putArray("statement_ms");
        CAPTURE.begin();
        int index = -1;
        String phase = "plan";
        try {
            EnvironmentSettings.Builder sb = EnvironmentSettings.newInstance().withConfiguration(conf);
            TableEnvironment tEnv =
                    TableEnvironment.create(batch ? sb.inBatchMode().build() : sb.inStreamingMode().build());
            TableEnvironmentInternal internal = (TableEnvironmentInternal) tEnv;
            List<ModifyOperation> statementSet = null;
            for (index = 0; index < statements.size(); index++) {
                long s0 = System.nanoTime();
                String sql = statements.get(index);
                phase = "plan";
                List<Operation> ops = internal.getParser().parse(sql);
                if (ops.size() != 1) {
                    throw new IllegalArgumentException("expected one operation, got " + ops.size());
                }
                Operation op = ops.get(0);
                if (op instanceof SetOperation) {
                    // SET is a SQL-client command; the client stores it in the session config.
                    SetOperation set = (SetOperation) op;
                    if (set.getKey().isPresent()) {
                        tEnv.getConfig().set(set.getKey().get(), set.getValue().orElse(""));
                    }
                    timings.add((System.nanoTime() - s0) / 1_000_000.0);
                    continue;
                }
                if (op instanceof ResetOperation) {
                    ResetOperation reset = (ResetOperation) op;
                    if (reset.getKey().isPresent()) {
                        tEnv.getConfig().getConfiguration().removeKey(reset.getKey().get());
                    }
                    timings.add((System.nanoTime() - s0) / 1_000_000.0);
                    continue;
                }
                // Statement sets are SQL-client state too: buffer INSERTs, run them as one job.
                if (op instanceof BeginStatementSetOperation) {
                    statementSet = new ArrayList<>();
                    timings.add((System.nanoTime() - s0) / 1_000_000.0);
                    continue;
                }
                if (statementSet != null && op instanceof ModifyOperation) {
                    statementSet.add((ModifyOperation) op);
                    timings.add((System.nanoTime() - s0) / 1_000_000.0);
                    continue;
                }
                if (statementSet != null && !(op instanceof EndStatementSetOperation)) {
                    throw new IllegalArgumentException(
                            "only INSERT statements are allowed in a statement set");
                }
                TableResultInternal result;
                boolean isInsert = true;
                if (op instanceof EndStatementSetOperation) {
                    if (statementSet == null) {
                        throw new IllegalArgumentException("END without BEGIN STATEMENT SET");
                    }
                    List<ModifyOperation> set = statementSet;
                    statementSet = null;
                    if (set.isEmpty()) {
                        timings.add((System.nanoTime() - s0) / 1_000_000.0);
                        continue;
                    }
                    result = internal.executeInternal(set);
                } else if (op instanceof StatementSetOperation) {
                    result = internal.executeInternal(((StatementSetOperation) op).getOperations());
                } else {
                    result = internal.executeInternal(op);
                    isInsert = op instanceof ModifyOperation;
                }
                phase = "runtime";
                if (isInsert) {
                    awaitJob(result, deadline);
                    ObjectNode q = queries.addObject();
                    q.put("statement_index", index).put("sql", sql).put("kind", "insert");
                    q.putArray("columns");
                    q.putArray("types");
                    q.putArray("rows");
                    q.putArray("kinds");
                } else if (result.getResultKind() == ResultKind.SUCCESS_WITH_CONTENT) {
                    ObjectNode q = queries.addObject();
                    q.put("statement_index", index).put("sql", sql).put("kind", "query");
                    collect(result, q, deadline, maxRows);
                }
                timings.add((System.nanoTime() - s0) / 1_000_000.0);
            }
            resp.putNull("error");
        } catch (Throwable t) {
            resp.set("error", errorNode(t, index, phase));
        } finally {
            resp.put("printed", CAPTURE.end());
        }
        resp.put("elapsed_ms", (System.nanoTime() - t0) / 1_000_000.0);
        return resp;
    }

    static void awaitJob(TableResultInternal result, long deadline) throws Throwable {
        JobClient client = result.getJobClient().orElse(null);
        if (client == null) {
            return;
        }
        try {
            client.getJobExecutionResult().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            cancelQuietly(client);
            throw new TimeoutException("job did not finish before the case timeout");
        } catch (ExecutionException e) {
            throw e.getCause() != null ? e.getCause() : e;
        }
    }

    static void collect(TableResultInternal result, ObjectNode q, long deadline, int maxRows)
            throws Throwable {
        ArrayNode columns = q.putArray("columns");
        ArrayNode types = q.putArray("types");
        for (Column c : result.getResolvedSchema().getColumns()) {
            columns.add(c.getName());
            types.add(c.getDataType().getLogicalType().asSummaryString());
        }
        ArrayNode rows = q.putArray("rows");
        ArrayNode kinds = q.putArray("kinds");
        RowDataToStringConverter converter = result.getRowDataToStringConverter();
        JobClient client = result.getJobClient().orElse(null);
        // The collect iterator blocks in hasNext(); a watchdog cancels the job at the deadline.
        final boolean[] timedOut = {false};
        Thread watchdog = null;
        if (client != null) {
            final JobClient jc = client;
            watchdog =
                    new Thread(
                            () -> {
                                try {
                                    Thread.sleep(Math.max(1, remainingMs(deadline)));
                                    synchronized (timedOut) {
                                        timedOut[0] = true;
                                    }
                                    cancelQuietly(jc);
                                } catch (InterruptedException ignored) {
                                    // query finished in time
                                }
                            },
                            "flinkdoctor-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
        }
        boolean truncated = false;
        try (CloseableIterator<RowData> it = result.collectInternal()) {
            shortenCollectPolling(it, 0);
            while (it.hasNext()) {
                RowData row = it.next();
                if (rows.size() >= maxRows) {
                    truncated = true;
                    break;
                }
                String[] text = converter.convert(row);
                ArrayNode values = rows.addArray();
                for (int i = 0; i < text.length; i++) {
                    if (row.isNullAt(i)) {
                        values.addNull();
                    } else {
                        values.add(text[i]);
                    }
                }
                kinds.add(row.getRowKind().shortString());
            }
        } catch (Throwable t) {
            synchronized (timedOut) {
                if (timedOut[0]) {
                    q.put("timed_out", true);
                    throw new TimeoutException(
                            "query did not finish before the case timeout ("
                                    + rows.size()
                                    + " rows collected)");
                }
            }
            throw t;
        } finally {
            if (watchdog != null) {
                watchdog.interrupt();
            }
        }
        if (truncated) {
            q.put("truncated", true);
            if (client != null) {
                cancelQuietly(client);
            }
        }
    }

    /**
     * Flink's collect client sleeps a fixed 100 ms whenever a fetch comes back empty, which is
     * most of the cost of a small query. Only the client's poll interval changes (found by
     * reflection; nothing happens if the field is not there): the job and its plan are untouched.
     */
    static boolean shortenCollectPolling(Object obj, int depth) {
        if (obj == null || depth > 4) {
            return false;
        }
        for (Class<?> c = obj.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(f.getModifiers())
                        || f.getType().isPrimitive() && !f.getName().equals("retryMillis")) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    if (f.getName().equals("retryMillis") && f.getType() == int.class) {
                        f.setInt(obj, COLLECT_RETRY_MS);
                        return true;
                    }
                    Object child = f.get(obj);
                    if (child != null
                            && child.getClass().getName().startsWith("org.apache.flink.")
                            && shortenCollectPolling(child, depth + 1)) {
                        return true;
                    }
                } catch (RuntimeException | IllegalAccessException ignored) {
                    // not accessible: keep Flink's default
                }
            }
        }
        return false;
    }

    static long remainingMs(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    static void cancelQuietly(JobClient client) {
        try {
            client.cancel().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // already finished or failed
        }
    }

    static ObjectNode errorNode(Throwable t, int statementIndex, String phase) {
        ObjectNode err = JSON.createObjectNode();
        err.put("statement_index", statementIndex);
        err.put("phase", phase);
        ArrayNode chain = err.putArray("chain");
        Throwable cur = t;
        Throwable root = t;
        int guard = 0;
        while (cur != null && guard++ < 50) {
            ObjectNode link = chain.addObject();
            link.put("class", cur.getClass().getName());
            link.put("message", cur.getMessage());
            root = cur;
            cur = cur.getCause() == cur ? null : cur.getCause();
        }
        err.put("root_class", root.getClass().getName());
        err.put("root_message", root.getMessage());
        return err;
    }

    // ------------------------------------------------------------------------------------------
    // Statement splitting: ';' outside string literals ('' escapes), `identifiers`, "quoted",
    // -- line comments and /* block comments */. Statements that are only comments are dropped.

    static List<String> splitStatements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean hasCode = false;
        int n = script.length();
        int i = 0;
        while (i < n) {
            char c = script.charAt(i);
            char next = i + 1 < n ? script.charAt(i + 1) : '\0';
            if (c == '-' && next == '-') {
                int end = script.indexOf('\n', i);
                end = end < 0 ? n : end;
                cur.append(script, i, end);
                i = end;
            } else if (c == '/' && next == '*') {
                int end = script.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                cur.append(script, i, end);
                i = end;
            } else if (c == '\'' || c == '`' || c == '"') {
                int j = i + 1;
                while (j < n) {
                    if (script.charAt(j) == c) {
                        if (j + 1 < n && script.charAt(j + 1) == c) {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                int end = Math.min(n, j + 1);
                cur.append(script, i, end);
                hasCode = true;
                i = end;
            } else if (c == ';') {
                if (hasCode) {
                    out.add(cur.toString().trim());
                }
                cur.setLength(0);
                hasCode = false;
                i++;
            } else {
                if (!Character.isWhitespace(c)) {
                    hasCode = true;
                }
                cur.append(c);
                i++;
            }
        }
        if (hasCode) {
            out.add(cur.toString().trim());
        }
        return joinExecuteStatementSets(out);
    }

    static final java.util.regex.Pattern EXECUTE_SET_START =
            java.util.regex.Pattern.compile("(?is)(?:--[^\\n]*\\n|/\\*.*?\\*/|\\s)*"
                    + "EXECUTE\\s+STATEMENT\\s+SET\\s+BEGIN\\b.*");
    static final java.util.regex.Pattern END_ONLY =
            java.util.regex.Pattern.compile("(?is)(?:--[^\\n]*\\n|/\\*.*?\\*/|\\s)*END\\s*");

    /** 'EXECUTE STATEMENT SET BEGIN ...; ...; END' is one statement with ';' inside. */
    static List<String> joinExecuteStatementSets(List<String> statements) {
        List<String> out = new ArrayList<>();
        StringBuilder block = null;
        for (String s : statements) {
            if (block == null && EXECUTE_SET_START.matcher(s).matches()) {
                block = new StringBuilder(s);
            } else if (block != null) {
                block.append(";\n").append(s);
                if (END_ONLY.matcher(s).matches()) {
                    out.add(block.toString());
                    block = null;
                }
            } else {
                out.add(s);
            }
        }
        if (block != null) {
            out.add(block.toString());
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------
    // Micro-benchmark of DateTimeUtils.parseTimestampData(String, String) (SQL TO_TIMESTAMP).

    static ObjectNode benchParse(JsonNode req) throws Exception {
        List<String> values = Files.readAllLines(Paths.get(req.get("values_file").asText()));
        String pattern = req.get("pattern").asText();
        long warmupMs = req.path("warmup_ms").asLong(2000);
        long measureMs = req.path("measure_ms").asLong(3000);
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        long[] sink = {0, 0};
        runFor(values, pattern, warmupMs, sink);
        sink[0] = 0;
        sink[1] = 0;
        long t0 = System.nanoTime();
        long calls = runFor(values, pattern, measureMs, sink);
        double seconds = (System.nanoTime() - t0) / 1e9;
        ObjectNode resp = JSON.createObjectNode();
        resp.put("pattern", pattern);
        resp.put("distinct_values", values.size());
        resp.put("calls", calls);
        resp.put("seconds", seconds);
        resp.put("values_per_s", calls / seconds);
        resp.put("ns_per_value", seconds * 1e9 / calls);
        resp.put("non_null", sink[1]);
        resp.put("checksum", sink[0]);
        return resp;
    }

    static long runFor(List<String> values, String pattern, long ms, long[] sink) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        long calls = 0;
        do {
            for (String v : values) {
                TimestampData ts = DateTimeUtils.parseTimestampData(v, pattern);
                if (ts != null) {
                    sink[0] += ts.getMillisecond();
                    sink[1]++;
                }
            }
            calls += values.size();
        } while (System.nanoTime() < end);
        return calls;
    }

    // ------------------------------------------------------------------------------------------
    // Shared MiniCluster executor, found by Flink through META-INF/services (written by the
    // Python side next to the compiled classes).

    static synchronized MiniCluster sharedCluster() throws Exception {
        if (sharedCluster == null) {
            Configuration conf = new Configuration();
            conf.setString("taskmanager.memory.managed.size", "256m");
            conf.setString("taskmanager.memory.network.min", "64m");
            conf.setString("taskmanager.memory.network.max", "64m");
            conf.setString("rest.bind-port", "0");
            // Cluster-side batching delay before slots are matched (50 ms by default): pure
            // latency for us, no effect on what a job computes.
            conf.setString("slotmanager.requirement-check.delay", "0 ms");
            MiniClusterConfiguration mc =
                    new MiniClusterConfiguration.Builder()
                            .setConfiguration(conf)
                            .setNumTaskManagers(1)
                            .setNumSlotsPerTaskManager(SHARED_SLOTS)
                            .build();
            MiniCluster cluster = new MiniCluster(mc);
            cluster.start();
            sharedCluster = cluster;
        }
        return sharedCluster;
    }

    /** Submits jobs to the shared MiniCluster; too-wide jobs fall back to Flink's local executor. */
    public static final class SharedExecutorFactory implements PipelineExecutorFactory {
        @Override
        public String getName() {
            return SHARED_TARGET;
        }

        @Override
        public boolean isCompatibleWith(Configuration configuration) {
            return SHARED_TARGET.equals(configuration.get(DeploymentOptions.TARGET));
        }

        @Override
        public PipelineExecutor getExecutor(Configuration configuration) {
            return FlinkSqlDriver::executeShared;
        }
    }

    static CompletableFuture<JobClient> executeShared(
            Pipeline pipeline, Configuration configuration, ClassLoader classLoader)
            throws Exception {
        JobGraph jobGraph = PipelineExecutorUtils.getJobGraph(pipeline, configuration, classLoader);
        if (jobGraph.getMaximumParallelism() > SHARED_SLOTS) {
            Configuration local = new Configuration(configuration);
            local.set(DeploymentOptions.TARGET, "local");
            return LocalExecutor.create(local).execute(pipeline, local, classLoader);
        }
        MiniCluster cluster = sharedCluster();
        return cluster.submitJob(jobGraph)
                .thenApply(
                        r ->
                                (JobClient)
                                        new MiniClusterJobClient(
                                                r.getJobID(),
                                                cluster,
                                                classLoader,
                                                MiniClusterJobClient.JobFinalizationBehavior
                                                        .NOTHING));
    }

    // ------------------------------------------------------------------------------------------

    /** Per-case capture of System.out (the 'print' connector writes there). */
    static final class CaptureStream extends OutputStream {
        private ByteArrayOutputStream buffer = null;
        private static final int LIMIT = 4 * 1024 * 1024;

        synchronized void begin() {
            buffer = new ByteArrayOutputStream();
        }

        synchronized String end() {
            String s = buffer == null ? "" : buffer.toString(StandardCharsets.UTF_8);
            buffer = null;
            return s;
        }

        @Override
        public synchronized void write(int b) {
            if (buffer != null && buffer.size() < LIMIT) {
                buffer.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            if (buffer != null && buffer.size() < LIMIT) {
                buffer.write(b, off, len);
            }
        }
    }
}

package io.floodwatch.detector.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

import io.floodwatch.schema.sign.CommandKeys;

/**
 * Typed configuration of the detector: topics, windows, caps and rule thresholds.
 *
 * <p>Values come, in increasing precedence, from the defaults below, a properties file, {@code FLOODWATCH_*}
 * environment variables and command-line options (see {@link ConfigLoader}). Keys starting with
 * {@value #KAFKA_PREFIX} are passed to the Kafka clients with the prefix removed.
 */
public final class FloodwatchConfig extends AbstractConfig {

    /** Prefix of keys passed through to the Kafka clients. */
    public static final String KAFKA_PREFIX = "kafka.";

    public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    private static final String BOOTSTRAP_SERVERS_DOC = "Kafka brokers to connect to. Empty: start an embedded single-node KRaft broker.";

    public static final String APPLICATION_ID_CONFIG = "application.id";
    private static final String APPLICATION_ID_DOC = "Kafka Streams application id; prefixes internal topics and the consumer group.";
    public static final String APPLICATION_ID_DEFAULT = "floodwatch-detector";

    public static final String DATA_DIR_CONFIG = "data.dir";
    private static final String DATA_DIR_DOC = "Directory for Kafka Streams state and, when embedded, the broker's log. Survives restarts.";
    public static final String DATA_DIR_DEFAULT = "floodwatch-data";

    public static final String EMBEDDED_PORT_CONFIG = "embedded.port";
    private static final String EMBEDDED_PORT_DOC = "Preferred port of the embedded broker; the next free port is used if taken.";

    public static final String TOPIC_REQUESTS_CONFIG = "topic.requests";
    public static final String TOPIC_REQUESTS_JSON_CONFIG = "topic.requests.json";
    public static final String TOPIC_REQUESTS_DLQ_CONFIG = "topic.requests.dlq";
    public static final String TOPIC_ENDPOINT_RATES_CONFIG = "topic.endpoint.rates";
    public static final String TOPIC_ANOMALIES_CONFIG = "topic.anomalies";
    public static final String TOPIC_MITIGATIONS_CONFIG = "topic.mitigations";
    public static final String TOPIC_DETECTOR_CONTROL_CONFIG = "topic.detector.control";

    public static final String TOPIC_PARTITIONS_CONFIG = "topic.partitions";
    private static final String TOPIC_PARTITIONS_DOC = "Partitions of the topics the detector creates when they are missing.";
    public static final String TOPIC_REPLICATION_CONFIG = "topic.replication.factor";
    private static final String TOPIC_REPLICATION_DOC = "Replication factor of created topics and of internal topics.";

    public static final String INSTANCE_ID_CONFIG = "instance.id";
    private static final String INSTANCE_ID_DOC = "Static group membership id of this instance (each stream thread adds -<n>), so that a restarted "
        + "instance takes its tasks back at once instead of waiting out the session timeout; empty: an id kept in the data directory.";

    public static final String STREAM_THREADS_CONFIG = "stream.threads";
    private static final String STREAM_THREADS_DOC = "Kafka Streams threads in this instance.";

    public static final String HTTP_LISTEN_CONFIG = "http.listen";
    private static final String HTTP_LISTEN_DOC = "host:port of the query API, dashboard, metrics and probes (port 0: any free port), or 'off'.";
    public static final String HTTP_ADVERTISED_HOST_CONFIG = "http.advertised.host";
    private static final String HTTP_ADVERTISED_HOST_DOC = "Host other instances reach this one's HTTP port at (Kafka Streams' "
        + "application.server); empty: the listen host, or this machine's name when listening on all addresses.";

    public static final String COMMIT_INTERVAL_CONFIG = "commit.interval.ms";
    private static final String COMMIT_INTERVAL_DOC = "Commit interval. Each commit also emits the per-task pre-aggregated traffic, so it is the tick of the rate stage.";

    public static final String WINDOW_SIZE_CONFIG = "window.size.ms";
    private static final String WINDOW_SIZE_DOC = "Size of the tumbling event-time windows of all rates.";
    public static final String WINDOW_GRACE_CONFIG = "window.grace.ms";
    private static final String WINDOW_GRACE_DOC = "How late an event may arrive (event time) and still count in its window.";

    public static final String WATERMARK_IDLE_CONFIG = "watermark.idle.ms";
    private static final String WATERMARK_IDLE_DOC = "Wall-clock time without input after which a task says it is idle, so that it no longer holds back the watermark of the tasks downstream.";
    public static final String WATERMARK_FORGET_CONFIG = "watermark.forget.ms";
    private static final String WATERMARK_FORGET_DOC = "Wall-clock silence after which an upstream task that never said it was idle is forgotten by the watermark (a task removed by a topology change).";

    public static final String TIMESTAMP_MAX_FUTURE_CONFIG = "timestamp.max.future.ms";
    private static final String TIMESTAMP_MAX_FUTURE_DOC = "Events timestamped further than this ahead of the wall clock (gateway clock skew) go to the dead-letter topic.";
    public static final String TIMESTAMP_MAX_PAST_CONFIG = "timestamp.max.past.ms";
    private static final String TIMESTAMP_MAX_PAST_DOC = "Events timestamped further than this behind stream time go to the dead-letter topic.";

    public static final String ROUTES_MAX_CONFIG = "routes.max";
    private static final String ROUTES_MAX_DOC = "Distinct routes tracked per task; further new routes are counted as '<METHOD> /{other}'.";
    public static final String SOURCES_WINDOW_SKETCH_SIZE_CONFIG = "sources.window.sketch.size";
    private static final String SOURCES_WINDOW_SKETCH_SIZE_DOC = "Counters of the sketches a task keeps over a whole window (requests per IP for profiling) and, split evenly between the verdict steps, of requests without an account per IP (power of two): exact up to three quarters of that many distinct IPs per partition and window (per step for the verdicts), so the verdicts do not depend on the order events arrive in; they grow with the IPs seen, to about 16 bytes per counter.";
    public static final String SOURCES_SKETCH_SIZE_CONFIG = "sources.sketch.size";
    private static final String SOURCES_SKETCH_SIZE_DOC = "Counters of each per-task heavy-hitter sketch of sources (power of two).";
    public static final String SOURCES_TICK_TOP_CONFIG = "sources.tick.top";
    private static final String SOURCES_TICK_TOP_DOC = "Heaviest sources (IPs and prefixes each) a task reports per tick.";
    public static final String REGIONS_MAX_CONFIG = "regions.max";
    private static final String REGIONS_MAX_DOC = "Distinct regions kept per route and window; the rest are counted as 'other'.";

    public static final String IPV4_PREFIX_CONFIG = "prefix.ipv4.length";
    public static final String IPV6_PREFIX_CONFIG = "prefix.ipv6.length";
    /** Wider IPv4 levels of the prefix hierarchy. */
    public static final String IPV4_WIDER_CONFIG = "prefix.ipv4.wider.lengths";
    /** Wider IPv6 levels of the prefix hierarchy. */
    public static final String IPV6_WIDER_CONFIG = "prefix.ipv6.wider.lengths";
    private static final String WIDER_DOC = "Prefix lengths above the prefix length at which the route summaries also count source prefixes, so that a flood spread over a block (a fresh address or /64 for every request) is answered with the block: the smallest of them that explains the surge. Each must be shorter than the prefix length (IPv4 at most /26, IPv6 at most /58); empty turns the hierarchy off.";
    /** Share of a route's window a wider prefix must carry. */
    public static final String WIDER_MIN_SHARE_CONFIG = "rule.endpoint.wider.prefix.min.share";
    private static final String WIDER_MIN_SHARE_DOC = "Share of a route's window that a wider prefix must carry, beyond what its narrower heavy prefixes explain, to count as concentrated and to be named in an attack's commands: a block of the address space a crowd's users merely share carries far less.";

    public static final String REGISTRATION_PATTERN_CONFIG = "registration.path.pattern";
    private static final String REGISTRATION_PATTERN_DOC = "POST requests whose path matches this are registrations.";
    public static final String LOGIN_PATTERN_CONFIG = "login.path.pattern";
    private static final String LOGIN_PATTERN_DOC = "POST requests whose path matches this are logins; never restricted by registration rules.";

    public static final String IP_THROTTLE_RATE_CONFIG = "rule.source.ip.throttle.per.second";
    public static final String IP_BLOCK_RATE_CONFIG = "rule.source.ip.block.per.second";
    public static final String PREFIX_THROTTLE_RATE_CONFIG = "rule.source.prefix.throttle.per.second";
    public static final String PREFIX_BLOCK_RATE_CONFIG = "rule.source.prefix.block.per.second";
    public static final String SOURCE_TTL_CONFIG = "rule.source.ttl.ms";

    public static final String RELATIVE_QUANTILE_CONFIG = "rule.source.relative.quantile";
    private static final String RELATIVE_QUANTILE_DOC = "Quantile of per-source request counts in a window that stands for an ordinary source (the median resists a botnet of up to half the sources).";
    public static final String RELATIVE_THROTTLE_MULTIPLE_CONFIG = "rule.source.relative.throttle.multiple";
    public static final String RELATIVE_BLOCK_MULTIPLE_CONFIG = "rule.source.relative.block.multiple";
    public static final String RELATIVE_BUDGET_MULTIPLE_CONFIG = "rule.source.relative.throttle.budget.multiple";
    private static final String RELATIVE_BUDGET_MULTIPLE_DOC = "What an IP throttled by the relative rule may still send: this many times what the ordinary source of the window sent (at least one request per window), so that it is held to what people send, not to the limit it crossed.";
    private static final String RELATIVE_MULTIPLE_DOC = "A source sending, without an account, more than this many times what the ordinary source sends in the same window is acted on, from the first window (no baseline needed).";
    public static final String RELATIVE_THROTTLE_MIN_CONFIG = "rule.source.relative.throttle.min.per.second";
    public static final String RELATIVE_BLOCK_MIN_CONFIG = "rule.source.relative.block.min.per.second";
    private static final String RELATIVE_MIN_DOC = "Floor of the relative limit, requests per second over a window: below it no source is acted on for being many times the ordinary one.";
    public static final String RELATIVE_MIN_SOURCES_CONFIG = "rule.source.relative.min.sources";
    private static final String RELATIVE_MIN_SOURCES_DOC = "Distinct sources a partition's window needs before the relative rule trusts its quantile.";
    public static final String SHARED_MIN_IDENTITIES_CONFIG = "rule.source.shared.min.identities";
    private static final String SHARED_MIN_IDENTITIES_DOC = "Distinct accounts (or human user agents) on successful requests from which an address is shared, a NAT or proxy: never blocked on volume, and its volume limits scale with the identities behind it.";
    public static final String SHARED_PER_IDENTITY_CONFIG = "rule.source.shared.per.identity.per.second";
    private static final String SHARED_PER_IDENTITY_DOC = "Requests per second each identity behind a shared address is allowed before it is throttled.";
    public static final String SOURCES_POPULATION_LG_CONFIG = "sources.population.lg.entries";
    private static final String SOURCES_POPULATION_LG_DOC = "log2 of the sources sampled per partition and verdict step for the population quantile (a tuple sketch of about 2^(n+1) entries).";
    public static final String SOURCES_VERDICT_STEP_CONFIG = "sources.verdict.step.ms";
    private static final String SOURCES_VERDICT_STEP_DOC = "How often, in event time, the per-source verdict (requests without an account against the population) is taken over the last window's length of traffic: a source far over the limit is acted on within about this step plus the settling time, not at the end of its window. Must divide the window size.";
    public static final String SOURCES_VERDICT_SETTLE_CONFIG = "sources.verdict.settle.ms";
    private static final String SOURCES_VERDICT_SETTLE_DOC = "How far past a verdict's point a partition's event time goes before the per-source verdict (requests without an account against the population) is taken: room for events slightly out of order within a partition.";
    public static final String SOURCES_PROFILED_MAX_CONFIG = "sources.profiled.max";
    private static final String SOURCES_PROFILED_MAX_DOC = "Most heavy IPs per partition and window whose distinct accounts and agents are counted (two small HyperLogLogs each).";

    public static final String BASELINE_ALPHA_CONFIG = "baseline.alpha";
    private static final String BASELINE_ALPHA_DOC = "Weight of the newest window in the EWMA baselines.";
    public static final String BASELINE_MIN_WINDOWS_CONFIG = "baseline.min.windows";
    private static final String BASELINE_MIN_WINDOWS_DOC = "Completed windows a route needs before baseline-relative rules act on it.";

    public static final String ENDPOINT_SURGE_FACTOR_CONFIG = "rule.endpoint.surge.factor";
    private static final String ENDPOINT_SURGE_FACTOR_DOC = "An endpoint whose window count exceeds baseline mean times this (and 4 standard deviations) is surging.";
    public static final String ENDPOINT_MIN_REQUESTS_CONFIG = "rule.endpoint.min.requests";
    private static final String ENDPOINT_MIN_REQUESTS_DOC = "Window count below which an endpoint is never considered surging.";
    public static final String ENDPOINT_TTL_CONFIG = "rule.endpoint.ttl.ms";
    public static final String ENDPOINT_THROTTLE_HEADROOM_CONFIG = "rule.endpoint.throttle.headroom";
    private static final String ENDPOINT_THROTTLE_HEADROOM_DOC = "A surging endpoint is throttled to its baseline rate times this.";

    public static final String REGISTRATION_SURGE_FACTOR_CONFIG = "rule.registration.surge.factor";
    public static final String REGISTRATION_MIN_REQUESTS_CONFIG = "rule.registration.min.requests";
    public static final String REGISTRATION_FOREIGN_SHARE_CONFIG = "rule.registration.foreign.share";
    private static final String REGISTRATION_FOREIGN_SHARE_DOC = "Share of a surge's registrations from outside the usual regions above which registrations are restricted to the usual regions.";
    public static final String REGISTRATION_USUAL_SHARE_CONFIG = "rule.registration.usual.region.share";
    private static final String REGISTRATION_USUAL_SHARE_DOC = "A region whose baseline share of registrations is at least this is a usual region.";
    public static final String REGISTRATION_TTL_CONFIG = "rule.registration.ttl.ms";

    public static final String REGION_FOREIGN_SHARE_CONFIG = "rule.region.foreign.share";
    private static final String REGION_FOREIGN_SHARE_DOC = "Share of an attacked route's surge from outside its usual regions above which the route is restricted to its usual regions (other regions held to a budget); registrations have their own rule.";
    public static final String REGION_TTL_CONFIG = "rule.region.ttl.ms";

    public static final String SOURCES_MEMORY_PERIOD_CONFIG = "sources.memory.period.ms";
    private static final String SOURCES_MEMORY_PERIOD_DOC = "Generation of the memory of sources seen: a source is returning if it was seen in the previous generation, new otherwise.";
    public static final String SOURCES_MEMORY_CAPACITY_CONFIG = "sources.memory.capacity";
    private static final String SOURCES_MEMORY_CAPACITY_DOC = "Distinct sources per task and generation the memory of sources holds at 1% false positives (two Bloom filters of 1.2 bytes per source each); past it the error grows, memory does not.";

    public static final String IP_FAILURE_RATE_CONFIG = "rule.source.ip.failures.per.second";
    public static final String PREFIX_FAILURE_RATE_CONFIG = "rule.source.prefix.failures.per.second";
    private static final String FAILURE_RATE_DOC = "4xx answers per second over a window above which a source (with the failure ratio below) is blocked.";
    public static final String FAILURE_RATIO_CONFIG = "rule.source.failure.ratio";
    private static final String FAILURE_RATIO_DOC = "Share of a source's requests answered 4xx at or above which its failures count against it.";

    public static final String HEAVY_PREFIX_REQUESTS_CONFIG = "rule.endpoint.heavy.prefix.requests";
    private static final String HEAVY_PREFIX_REQUESTS_DOC = "Requests in a window to one route from one prefix from which the prefix is heavy: evidence of concentration, and a target when the route is attacked.";
    public static final String ATTACK_SCORE_CONFIG = "rule.endpoint.attack.score";
    private static final String ATTACK_SCORE_DOC = "Evidence score (0-1) at or above which a surge is an attack rather than a flash crowd or overload.";
    public static final String PREFIX_COMMANDS_MAX_CONFIG = "rule.endpoint.prefix.commands.max";
    private static final String PREFIX_COMMANDS_MAX_DOC = "Most heavy prefixes named in commands for one attacked route and window.";
    public static final String CAPACITIES_CONFIG = "rule.endpoint.capacities";
    private static final String CAPACITIES_DOC = "Capacity of routes, as 'METHOD /route=requests per second' entries; legitimate traffic above it is overload, throttled to the capacity.";

    public static final String BASELINE_WARMUP_CONFIG = "baseline.warmup.ms";
    private static final String BASELINE_WARMUP_DOC = "Event time a route's baseline must have learned before baseline-relative verdicts are enforced; before that they are DRY_RUN. Absolute per-source limits act from the start.";

    public static final String DRY_RUN_RULES_CONFIG = "mitigation.dry.run.rules";
    private static final String DRY_RUN_RULES_DOC = "Rule ids whose commands are published as DRY_RUN (detected, never enforced).";
    public static final String ALLOWLIST_CONFIG = "mitigation.allowlist";
    private static final String ALLOWLIST_DOC = "Never blocked, throttled or restricted: IPs, CIDRs, 'account:ID' and 'region:XX' entries (allowlisted regions are always allowed to register).";
    public static final String SIGNING_KEYS_FILE_CONFIG = "mitigation.signing.keys.file";
    private static final String SIGNING_KEYS_FILE_DOC = "File of HMAC-SHA256 command keys, one '<key-id>:<base64 secret>' per line; the first one signs every command (headers floodwatch-key-id, floodwatch-signature). Empty: commands are not signed.";
    public static final String SIGNING_KEYS_ENV_CONFIG = "mitigation.signing.keys.env";
    private static final String SIGNING_KEYS_ENV_DOC = "Name of an environment variable holding the command keys instead of a file (same format, entries separated by commas or newlines).";
    public static final String ASN_DATABASE_CONFIG = "mitigation.asn.database";
    private static final String ASN_DATABASE_DOC = "Path of a local IP-to-AS database in iptoasn.com's TSV format (ip2asn-combined.tsv, plain or .gz), read once at start-up: a command on a source names the autonomous system announcing it. Empty: no lookup.";
    public static final String BLAST_RADIUS_CONFIG = "mitigation.blast.radius.max";
    private static final String BLAST_RADIUS_DOC = "A command that would act on more than this share of its target's baseline legitimate traffic is not enforced but raised for a human.";
    public static final String OFFENCE_MEMORY_CONFIG = "mitigation.offence.memory.ms";
    private static final String OFFENCE_MEMORY_DOC = "Event time a lifted target is remembered: a repeat offender is escalated (THROTTLE becomes BLOCK, lifetimes double).";
    public static final String TTL_MAX_CONFIG = "mitigation.ttl.max.ms";
    private static final String TTL_MAX_DOC = "Longest lifetime an escalated command gets.";

    public static final String LIFT_AFTER_CONFIG = "mitigation.lift.after.ms";
    private static final String LIFT_AFTER_DOC = "Event time without a rule asking for a command after which it is lifted.";

    private static final String TOPIC_DOC = "Name of the topic.";
    private static final String RATE_DOC = "Requests per second over a window above which the action is taken.";
    private static final String TTL_DOC = "Lifetime of an issued command; it is re-issued while the condition lasts.";

    private static final ConfigDef DEFINITION = new ConfigDef()
        .define(BOOTSTRAP_SERVERS_CONFIG, Type.STRING, "", Importance.HIGH, BOOTSTRAP_SERVERS_DOC)
        .define(APPLICATION_ID_CONFIG, Type.STRING, APPLICATION_ID_DEFAULT, new ConfigDef.NonEmptyString(), Importance.HIGH, APPLICATION_ID_DOC)
        .define(DATA_DIR_CONFIG, Type.STRING, DATA_DIR_DEFAULT, new ConfigDef.NonEmptyString(), Importance.HIGH, DATA_DIR_DOC)
        .define(EMBEDDED_PORT_CONFIG, Type.INT, 9092, Range.between(1, 65535), Importance.LOW, EMBEDDED_PORT_DOC)
        .define(TOPIC_REQUESTS_CONFIG, Type.STRING, "requests", new ConfigDef.NonEmptyString(), Importance.MEDIUM, TOPIC_DOC)
        .define(TOPIC_REQUESTS_JSON_CONFIG, Type.STRING, "requests-json", new ConfigDef.NonEmptyString(), Importance.MEDIUM, TOPIC_DOC)
        .define(TOPIC_REQUESTS_DLQ_CONFIG, Type.STRING, "requests-dlq", new ConfigDef.NonEmptyString(), Importance.MEDIUM, TOPIC_DOC)
        .define(TOPIC_ENDPOINT_RATES_CONFIG, Type.STRING, "endpoint-rates", new ConfigDef.NonEmptyString(), Importance.MEDIUM, TOPIC_DOC)
        .define(TOPIC_ANOMALIES_CONFIG, Type.STRING, "anomalies", new ConfigDef.NonEmptyString(), Importance.MEDIUM, TOPIC_DOC)
        .define(TOPIC_MITIGATIONS_CONFIG, Type.STRING, "mitigations", new ConfigDef.NonEmptyString(), Importance.MEDIUM, TOPIC_DOC)
        .define(TOPIC_DETECTOR_CONTROL_CONFIG, Type.STRING, "detector-control", new ConfigDef.NonEmptyString(), Importance.MEDIUM, TOPIC_DOC)
        .define(TOPIC_PARTITIONS_CONFIG, Type.INT, 4, Range.between(1, 10_000), Importance.MEDIUM, TOPIC_PARTITIONS_DOC)
        .define(TOPIC_REPLICATION_CONFIG, Type.SHORT, (short) 1, Range.between(1, 32), Importance.MEDIUM, TOPIC_REPLICATION_DOC)
        .define(INSTANCE_ID_CONFIG, Type.STRING, "", Importance.MEDIUM, INSTANCE_ID_DOC)
        .define(STREAM_THREADS_CONFIG, Type.INT, 2, Range.between(1, 256), Importance.MEDIUM, STREAM_THREADS_DOC)
        .define(HTTP_LISTEN_CONFIG, Type.STRING, "127.0.0.1:8080", new HostPortOrOff(), Importance.MEDIUM, HTTP_LISTEN_DOC)
        .define(HTTP_ADVERTISED_HOST_CONFIG, Type.STRING, "", Importance.LOW, HTTP_ADVERTISED_HOST_DOC)
        .define(COMMIT_INTERVAL_CONFIG, Type.LONG, 200L, Range.between(10, 60_000), Importance.MEDIUM, COMMIT_INTERVAL_DOC)
        .define(WINDOW_SIZE_CONFIG, Type.LONG, 10_000L, Range.between(1_000, 3_600_000), Importance.MEDIUM, WINDOW_SIZE_DOC)
        .define(WINDOW_GRACE_CONFIG, Type.LONG, 60_000L, Range.between(0, 3_600_000), Importance.MEDIUM, WINDOW_GRACE_DOC)
        .define(WATERMARK_IDLE_CONFIG, Type.LONG, 5_000L, Range.between(100, 3_600_000), Importance.LOW, WATERMARK_IDLE_DOC)
        .define(WATERMARK_FORGET_CONFIG, Type.LONG, 600_000L, Range.between(1_000, 86_400_000), Importance.LOW, WATERMARK_FORGET_DOC)
        .define(TIMESTAMP_MAX_FUTURE_CONFIG, Type.LONG, 60_000L, Range.atLeast(1_000), Importance.LOW, TIMESTAMP_MAX_FUTURE_DOC)
        .define(TIMESTAMP_MAX_PAST_CONFIG, Type.LONG, 86_400_000L, Range.atLeast(1_000), Importance.LOW, TIMESTAMP_MAX_PAST_DOC)
        .define(ROUTES_MAX_CONFIG, Type.INT, 500, Range.between(8, 100_000), Importance.MEDIUM, ROUTES_MAX_DOC)
        .define(SOURCES_WINDOW_SKETCH_SIZE_CONFIG, Type.INT, 32_768, Range.between(64, 1 << 22), Importance.LOW, SOURCES_WINDOW_SKETCH_SIZE_DOC)
        .define(SOURCES_SKETCH_SIZE_CONFIG, Type.INT, 4096, Range.between(64, 1 << 20), Importance.LOW, SOURCES_SKETCH_SIZE_DOC)
        .define(SOURCES_TICK_TOP_CONFIG, Type.INT, 1024, Range.between(1, 100_000), Importance.LOW, SOURCES_TICK_TOP_DOC)
        .define(REGIONS_MAX_CONFIG, Type.INT, 64, Range.between(2, 1000), Importance.LOW, REGIONS_MAX_DOC)
        .define(IPV4_PREFIX_CONFIG, Type.INT, 24, Range.between(8, 32), Importance.LOW, "Prefix length of IPv4 source prefixes.")
        .define(IPV6_PREFIX_CONFIG, Type.INT, 64, Range.between(16, 64), Importance.LOW, "Prefix length of IPv6 source prefixes.")
        .define(IPV4_WIDER_CONFIG, Type.LIST, "20,16", new PrefixLengths(), Importance.LOW, WIDER_DOC)
        .define(IPV6_WIDER_CONFIG, Type.LIST, "56,48,40,32", new PrefixLengths(), Importance.LOW, WIDER_DOC)
        .define(WIDER_MIN_SHARE_CONFIG, Type.DOUBLE, 0.1, Range.between(0.001, 1.0), Importance.MEDIUM, WIDER_MIN_SHARE_DOC)
        .define(REGISTRATION_PATTERN_CONFIG, Type.STRING, "(?i)/(register|signup|sign-up)(/|$)", Importance.MEDIUM, REGISTRATION_PATTERN_DOC)
        .define(LOGIN_PATTERN_CONFIG, Type.STRING, "(?i)/(login|signin|sign-in)(/|$)", Importance.MEDIUM, LOGIN_PATTERN_DOC)
        .define(IP_THROTTLE_RATE_CONFIG, Type.DOUBLE, 20.0, Range.atLeast(0.1), Importance.HIGH, RATE_DOC)
        .define(IP_BLOCK_RATE_CONFIG, Type.DOUBLE, 100.0, Range.atLeast(0.1), Importance.HIGH, RATE_DOC)
        .define(PREFIX_THROTTLE_RATE_CONFIG, Type.DOUBLE, 200.0, Range.atLeast(0.1), Importance.HIGH, RATE_DOC)
        .define(PREFIX_BLOCK_RATE_CONFIG, Type.DOUBLE, 1000.0, Range.atLeast(0.1), Importance.HIGH, RATE_DOC)
        .define(SOURCE_TTL_CONFIG, Type.LONG, 600_000L, Range.atLeast(1_000), Importance.MEDIUM, TTL_DOC)
        .define(RELATIVE_QUANTILE_CONFIG, Type.DOUBLE, 0.5, Range.between(0.0, 1.0), Importance.MEDIUM, RELATIVE_QUANTILE_DOC)
        .define(RELATIVE_THROTTLE_MULTIPLE_CONFIG, Type.DOUBLE, 5.0, Range.atLeast(1.0), Importance.HIGH, RELATIVE_MULTIPLE_DOC)
        .define(RELATIVE_BLOCK_MULTIPLE_CONFIG, Type.DOUBLE, 10.0, Range.atLeast(1.0), Importance.HIGH, RELATIVE_MULTIPLE_DOC)
        .define(RELATIVE_BUDGET_MULTIPLE_CONFIG, Type.DOUBLE, 2.0, Range.atLeast(1.0), Importance.MEDIUM, RELATIVE_BUDGET_MULTIPLE_DOC)
        .define(RELATIVE_THROTTLE_MIN_CONFIG, Type.DOUBLE, 0.5, Range.atLeast(0.1), Importance.HIGH, RELATIVE_MIN_DOC)
        .define(RELATIVE_BLOCK_MIN_CONFIG, Type.DOUBLE, 1.0, Range.atLeast(0.1), Importance.HIGH, RELATIVE_MIN_DOC)
        .define(RELATIVE_MIN_SOURCES_CONFIG, Type.INT, 30, Range.atLeast(1), Importance.LOW, RELATIVE_MIN_SOURCES_DOC)
        .define(SHARED_MIN_IDENTITIES_CONFIG, Type.INT, 5, Range.atLeast(2), Importance.HIGH, SHARED_MIN_IDENTITIES_DOC)
        .define(SHARED_PER_IDENTITY_CONFIG, Type.DOUBLE, 2.0, Range.atLeast(0.1), Importance.MEDIUM, SHARED_PER_IDENTITY_DOC)
        .define(SOURCES_POPULATION_LG_CONFIG, Type.INT, 9, Range.between(4, 16), Importance.LOW, SOURCES_POPULATION_LG_DOC)
        .define(SOURCES_VERDICT_STEP_CONFIG, Type.LONG, 2_500L, Range.atLeast(100), Importance.LOW, SOURCES_VERDICT_STEP_DOC)
        .define(SOURCES_VERDICT_SETTLE_CONFIG, Type.LONG, 2_000L, Range.between(0, 600_000), Importance.LOW, SOURCES_VERDICT_SETTLE_DOC)
        .define(SOURCES_PROFILED_MAX_CONFIG, Type.INT, 512, Range.between(0, 100_000), Importance.LOW, SOURCES_PROFILED_MAX_DOC)
        .define(BASELINE_ALPHA_CONFIG, Type.DOUBLE, 0.1, Range.between(0.001, 1.0), Importance.MEDIUM, BASELINE_ALPHA_DOC)
        .define(BASELINE_MIN_WINDOWS_CONFIG, Type.INT, 6, Range.between(1, 100_000), Importance.MEDIUM, BASELINE_MIN_WINDOWS_DOC)
        .define(ENDPOINT_SURGE_FACTOR_CONFIG, Type.DOUBLE, 5.0, Range.atLeast(1.1), Importance.HIGH, ENDPOINT_SURGE_FACTOR_DOC)
        .define(ENDPOINT_MIN_REQUESTS_CONFIG, Type.LONG, 200L, Range.atLeast(1), Importance.MEDIUM, ENDPOINT_MIN_REQUESTS_DOC)
        .define(ENDPOINT_THROTTLE_HEADROOM_CONFIG, Type.DOUBLE, 2.0, Range.atLeast(1.0), Importance.MEDIUM, ENDPOINT_THROTTLE_HEADROOM_DOC)
        .define(ENDPOINT_TTL_CONFIG, Type.LONG, 600_000L, Range.atLeast(1_000), Importance.MEDIUM, TTL_DOC)
        .define(REGISTRATION_SURGE_FACTOR_CONFIG, Type.DOUBLE, 3.0, Range.atLeast(1.1), Importance.HIGH, "A registration route whose window count exceeds baseline mean times this is surging.")
        .define(REGISTRATION_MIN_REQUESTS_CONFIG, Type.LONG, 30L, Range.atLeast(1), Importance.MEDIUM, "Window count of registrations below which no surge is considered.")
        .define(REGISTRATION_FOREIGN_SHARE_CONFIG, Type.DOUBLE, 0.5, Range.between(0.0, 1.0), Importance.HIGH, REGISTRATION_FOREIGN_SHARE_DOC)
        .define(REGION_FOREIGN_SHARE_CONFIG, Type.DOUBLE, 0.5, Range.between(0.0, 1.0), Importance.HIGH, REGION_FOREIGN_SHARE_DOC)
        .define(REGION_TTL_CONFIG, Type.LONG, 600_000L, Range.atLeast(1_000), Importance.MEDIUM, TTL_DOC)
        .define(REGISTRATION_USUAL_SHARE_CONFIG, Type.DOUBLE, 0.05, Range.between(0.0, 1.0), Importance.MEDIUM, REGISTRATION_USUAL_SHARE_DOC)
        .define(REGISTRATION_TTL_CONFIG, Type.LONG, 3_600_000L, Range.atLeast(1_000), Importance.MEDIUM, TTL_DOC)
        .define(LIFT_AFTER_CONFIG, Type.LONG, 30_000L, Range.atLeast(1_000), Importance.MEDIUM, LIFT_AFTER_DOC)
        .define(SOURCES_MEMORY_PERIOD_CONFIG, Type.LONG, 86_400_000L, Range.atLeast(60_000), Importance.LOW, SOURCES_MEMORY_PERIOD_DOC)
        .define(SOURCES_MEMORY_CAPACITY_CONFIG, Type.LONG, 1_000_000L, Range.between(1_000, 1_000_000_000), Importance.LOW, SOURCES_MEMORY_CAPACITY_DOC)
        .define(IP_FAILURE_RATE_CONFIG, Type.DOUBLE, 0.5, Range.atLeast(0.01), Importance.HIGH, FAILURE_RATE_DOC)
        .define(PREFIX_FAILURE_RATE_CONFIG, Type.DOUBLE, 0.8, Range.atLeast(0.01), Importance.HIGH, FAILURE_RATE_DOC)
        .define(FAILURE_RATIO_CONFIG, Type.DOUBLE, 0.5, Range.between(0.0, 1.0), Importance.MEDIUM, FAILURE_RATIO_DOC)
        .define(HEAVY_PREFIX_REQUESTS_CONFIG, Type.LONG, 10L, Range.atLeast(2), Importance.MEDIUM, HEAVY_PREFIX_REQUESTS_DOC)
        .define(ATTACK_SCORE_CONFIG, Type.DOUBLE, 0.4, Range.between(0.0, 1.0), Importance.HIGH, ATTACK_SCORE_DOC)
        .define(PREFIX_COMMANDS_MAX_CONFIG, Type.INT, 256, Range.between(0, 10_000), Importance.MEDIUM, PREFIX_COMMANDS_MAX_DOC)
        .define(CAPACITIES_CONFIG, Type.LIST, "", Importance.MEDIUM, CAPACITIES_DOC)
        .define(BASELINE_WARMUP_CONFIG, Type.LONG, 180_000L, Range.atLeast(0), Importance.HIGH, BASELINE_WARMUP_DOC)
        .define(DRY_RUN_RULES_CONFIG, Type.LIST, "", Importance.HIGH, DRY_RUN_RULES_DOC)
        .define(ALLOWLIST_CONFIG, Type.LIST, "", Importance.HIGH, ALLOWLIST_DOC)
        .define(ASN_DATABASE_CONFIG, Type.STRING, "", Importance.LOW, ASN_DATABASE_DOC)
        .define(SIGNING_KEYS_FILE_CONFIG, Type.STRING, "", Importance.HIGH, SIGNING_KEYS_FILE_DOC)
        .define(SIGNING_KEYS_ENV_CONFIG, Type.STRING, "", Importance.HIGH, SIGNING_KEYS_ENV_DOC)
        .define(BLAST_RADIUS_CONFIG, Type.DOUBLE, 0.2, Range.between(0.0, 1.0), Importance.HIGH, BLAST_RADIUS_DOC)
        .define(OFFENCE_MEMORY_CONFIG, Type.LONG, 86_400_000L, Range.atLeast(0), Importance.MEDIUM, OFFENCE_MEMORY_DOC)
        .define(TTL_MAX_CONFIG, Type.LONG, 86_400_000L, Range.atLeast(1_000), Importance.MEDIUM, TTL_MAX_DOC);

    /** Creates a configuration from raw key/values; throws {@link ConfigException} naming a bad key. */
    public FloodwatchConfig(Map<?, ?> originals) {
        super(DEFINITION, originals, false);
        compile(REGISTRATION_PATTERN_CONFIG);
        compile(LOGIN_PATTERN_CONFIG);
        if (getDouble(IP_BLOCK_RATE_CONFIG) < getDouble(IP_THROTTLE_RATE_CONFIG)) {
            throw new ConfigException(IP_BLOCK_RATE_CONFIG, getDouble(IP_BLOCK_RATE_CONFIG),
                "must be at least " + IP_THROTTLE_RATE_CONFIG + " (" + getDouble(IP_THROTTLE_RATE_CONFIG) + ")");
        }
        if (getDouble(PREFIX_BLOCK_RATE_CONFIG) < getDouble(PREFIX_THROTTLE_RATE_CONFIG)) {
            throw new ConfigException(PREFIX_BLOCK_RATE_CONFIG, getDouble(PREFIX_BLOCK_RATE_CONFIG),
                "must be at least " + PREFIX_THROTTLE_RATE_CONFIG + " (" + getDouble(PREFIX_THROTTLE_RATE_CONFIG) + ")");
        }
        if (getLong(WINDOW_SIZE_CONFIG) % getLong(SOURCES_VERDICT_STEP_CONFIG) != 0) {
            throw new ConfigException(SOURCES_VERDICT_STEP_CONFIG, getLong(SOURCES_VERDICT_STEP_CONFIG),
                "must divide " + WINDOW_SIZE_CONFIG + " (" + getLong(WINDOW_SIZE_CONFIG) + ")");
        }
        widerLengths(IPV4_WIDER_CONFIG, getInt(IPV4_PREFIX_CONFIG), 26);
        widerLengths(IPV6_WIDER_CONFIG, getInt(IPV6_PREFIX_CONFIG), 58);
        if (getDouble(RELATIVE_BLOCK_MULTIPLE_CONFIG) < getDouble(RELATIVE_THROTTLE_MULTIPLE_CONFIG)) {
            throw new ConfigException(RELATIVE_BLOCK_MULTIPLE_CONFIG, getDouble(RELATIVE_BLOCK_MULTIPLE_CONFIG),
                "must be at least " + RELATIVE_THROTTLE_MULTIPLE_CONFIG + " (" + getDouble(RELATIVE_THROTTLE_MULTIPLE_CONFIG) + ")");
        }
    }

    /** The wider prefix lengths of a family, each checked to be shorter than the prefix length. */
    public List<Integer> widerLengths(String key) {
        return getList(key).stream().map(String::trim).map(Integer::valueOf).toList();
    }

    private void widerLengths(String key, int prefixLength, int longest) {
        for (int length : widerLengths(key)) {
            if (length >= prefixLength || length > longest) {
                throw new ConfigException(key, getList(key), "each length must be shorter than the prefix length ("
                    + prefixLength + ") and at most " + longest);
            }
        }
    }

    /** The definition, for documentation and validation. */
    public static ConfigDef definition() {
        return DEFINITION;
    }

    /** Whether no external broker was configured. */
    public boolean embedded() {
        return getString(BOOTSTRAP_SERVERS_CONFIG).isBlank();
    }

    /** A duration-typed millisecond setting. */
    public Duration duration(String key) {
        return Duration.ofMillis(getLong(key));
    }

    /** The address of the HTTP surface, or null when {@value #HTTP_LISTEN_CONFIG} is {@code off}. */
    public InetSocketAddress httpListen() {
        String value = getString(HTTP_LISTEN_CONFIG);
        if ("off".equalsIgnoreCase(value)) {
            return null;
        }
        int colon = value.lastIndexOf(':');
        return new InetSocketAddress(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
    }

    /** Validates a list of prefix lengths between 1 and 64. */
    private static final class PrefixLengths implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            for (Object item : (List<?>) value) {
                String text = String.valueOf(item).trim();
                if (!text.matches("[0-9]{1,2}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 64) {
                    throw new ConfigException(name, value, "expected prefix lengths between 1 and 64, such as 20,16");
                }
            }
        }

        @Override
        public String toString() {
            return "prefix lengths, e.g. 20,16";
        }
    }

    /** Validates {@code host:port} or {@code off}. */
    private static final class HostPortOrOff implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String text = (String) value;
            if ("off".equalsIgnoreCase(text)) {
                return;
            }
            int colon = text.lastIndexOf(':');
            try {
                int port = Integer.parseInt(text.substring(colon + 1));
                if (colon <= 0 || port < 0 || port > 65_535) {
                    throw new NumberFormatException();
                }
            } catch (RuntimeException e) {
                throw new ConfigException(name, value, "expected host:port (e.g. 127.0.0.1:8080) or off");
            }
        }

        @Override
        public String toString() {
            return "host:port or off";
        }
    }

    /** The data directory. */
    public Path dataDir() {
        return Path.of(getString(DATA_DIR_CONFIG)).toAbsolutePath();
    }

    /**
     * The command keys named by {@value #SIGNING_KEYS_FILE_CONFIG} or {@value #SIGNING_KEYS_ENV_CONFIG}, or
     * {@link CommandKeys#NONE}.
     *
     * @throws ConfigException saying what is wrong with the keys (never showing a secret)
     */
    public CommandKeys signingKeys() {
        try {
            return CommandKeys.load(getString(SIGNING_KEYS_FILE_CONFIG), getString(SIGNING_KEYS_ENV_CONFIG), System::getenv);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("mitigation.signing.keys: " + e.getMessage());
        }
    }

    /** A compiled path pattern. */
    public Pattern pattern(String key) {
        return compile(key);
    }

    /** Client properties passed through with the {@value #KAFKA_PREFIX} prefix, prefix removed. */
    public Map<String, Object> kafkaOverrides() {
        return new HashMap<>(originalsWithPrefix(KAFKA_PREFIX, true));
    }

    /**
     * A configuration for a self-contained run (benchmark, evaluation): its own application id and data directory,
     * and every topic named {@code <prefix>-<default name>}, so runs on one broker never share state.
     *
     * @param prefix application id and topic prefix
     * @param bootstrapServers brokers
     * @param dataDir parent of the run's data directory
     * @param settings further settings
     */
    public static FloodwatchConfig isolated(String prefix, String bootstrapServers, Path dataDir, Map<String, ?> settings) {
        Map<String, Object> values = new HashMap<>(settings);
        values.put(BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        values.put(APPLICATION_ID_CONFIG, prefix);
        values.put(DATA_DIR_CONFIG, dataDir.resolve(prefix).toString());
        for (String key : java.util.List.of(TOPIC_REQUESTS_CONFIG, TOPIC_REQUESTS_JSON_CONFIG, TOPIC_REQUESTS_DLQ_CONFIG,
            TOPIC_ENDPOINT_RATES_CONFIG, TOPIC_ANOMALIES_CONFIG, TOPIC_MITIGATIONS_CONFIG, TOPIC_DETECTOR_CONTROL_CONFIG)) {
            values.put(key, prefix + "-" + DEFINITION.defaultValues().get(key));
        }
        return new FloodwatchConfig(values);
    }

    /** A copy with one value replaced. */
    public FloodwatchConfig with(String key, Object value) {
        Map<String, Object> values = new HashMap<>(originals());
        values.put(key, value);
        return new FloodwatchConfig(values);
    }

    private Pattern compile(String key) {
        String regex = getString(key);
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new ConfigException(key, regex, "not a valid regular expression: " + e.getDescription());
        }
    }

    // Input progress watchdog (issue 10): lag, stalls and records lost before they were processed.
    public static final String WATCHDOG_INTERVAL_CONFIG = "watchdog.interval.ms";
    private static final String WATCHDOG_INTERVAL_DOC = "Wall-clock interval of the input progress watchdog's checks of "
        + "the group's committed offsets against the input topics' log start and end offsets.";
    public static final String WATCHDOG_STALL_CONFIG = "watchdog.stall.ms";
    private static final String WATCHDOG_STALL_DOC = "Wall-clock time an input partition with lag may go without its "
        + "committed offset advancing before the detector counts as stalled: /healthz/ready fails and a warning names the partition.";

    static {
        DEFINITION
            .define(WATCHDOG_INTERVAL_CONFIG, Type.LONG, 5_000L, Range.between(100, 600_000), Importance.LOW, WATCHDOG_INTERVAL_DOC)
            .define(WATCHDOG_STALL_CONFIG, Type.LONG, 60_000L, Range.between(500, 86_400_000), Importance.MEDIUM, WATCHDOG_STALL_DOC);
    }
}

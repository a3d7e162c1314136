package io.floodwatch.detector.rules;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

import org.apache.kafka.common.config.ConfigException;

import io.floodwatch.schema.target.IpAddress;

/**
 * The autonomous system (AS) announcing an address, from a local database read once at start-up, so that a command
 * on a source says whose network it is (a hosting provider, a residential carrier) with no network access at run time.
 *
 * <p>The database is the tab-separated format of iptoasn.com's {@code ip2asn-v4.tsv}, {@code ip2asn-v6.tsv} and
 * {@code ip2asn-combined.tsv} (plain or {@code .gz}): {@code range_start  range_end  AS_number  country_code
 * AS_description}, one range per line, IPv4 and IPv6 mixed. Ranges of AS 0 ("Not routed") are skipped. Ranges are
 * kept in sorted primitive arrays (about 40 bytes per range, some 30 MB for the full combined file) and looked up by
 * binary search; an address in no range, or a database not configured, has no AS.
 */
public final class AsnDatabase {

    /** No database: every lookup answers empty. */
    public static final AsnDatabase NONE = new AsnDatabase(new long[0], new long[0], new long[0], new long[0], new int[0],
        new String[0]);

    private static final int NAME_MAX = 64;

    /**
     * An autonomous system.
     *
     * @param number its AS number
     * @param name its description as the database gives it, at most 64 characters
     */
    public record As(long number, String name) {

        /** "AS13335 CLOUDFLARENET". */
        @Override
        public String toString() {
            return "AS" + number + (name.isEmpty() ? "" : " " + name);
        }
    }

    private final long[] startHigh;
    private final long[] startLow;
    private final long[] endHigh;
    private final long[] endLow;
    private final int[] numbers;
    private final String[] names;

    private AsnDatabase(long[] startHigh, long[] startLow, long[] endHigh, long[] endLow, int[] numbers, String[] names) {
        this.startHigh = startHigh;
        this.startLow = startLow;
        this.endHigh = endHigh;
        this.endLow = endLow;
        this.numbers = numbers;
        this.names = names;
    }

    /**
     * Opens the database at {@code path}, or {@link #NONE} if the path is empty.
     *
     * @throws ConfigException naming the setting, the file and, for a malformed line, its number and what was wrong
     */
    public static AsnDatabase open(String setting, String path) {
        if (path == null || path.isBlank()) {
            return NONE;
        }
        Path file = Path.of(path.strip());
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw) {
            return read(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16));
        } catch (NoSuchFileException e) {
            throw new ConfigException(setting + ": no file " + file + "; give the path of an ip2asn TSV file, or leave it empty");
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(setting + ": cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Reads ranges in the ip2asn format; throws {@link IllegalArgumentException} naming a malformed line. */
    static AsnDatabase read(BufferedReader reader) throws IOException {
        Ranges ranges = new Ranges();
        Map<String, String> interned = new HashMap<>();
        String line;
        int number = 0;
        while ((line = reader.readLine()) != null) {
            number++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\t", 5);
            if (fields.length < 3) {
                throw new IllegalArgumentException("line " + number + " has " + fields.length
                    + " tab-separated fields, expected range_start, range_end, AS_number[, country, description]");
            }
            long asn;
            try {
                asn = Long.parseLong(fields[2].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("line " + number + ": AS number '" + abbreviate(fields[2]) + "' is not a number");
            }
            if (asn <= 0 || asn > 0xFFFF_FFFFL) {
                continue;
            }
            long[] start = address(fields[0], number);
            long[] end = address(fields[1], number);
            if (compare(start[0], start[1], end[0], end[1]) > 0) {
                throw new IllegalArgumentException("line " + number + ": range starts after it ends");
            }
            String name = fields.length > 4 ? abbreviate(fields[4].strip()) : "";
            ranges.add(start, end, (int) asn, interned.computeIfAbsent(name, n -> n));
        }
        return ranges.build();
    }

    /** The AS announcing {@code address} (an IPv4 or IPv6 address, or the network address of a CIDR), if known. */
    public Optional<As> lookup(String address) {
        if (numbers.length == 0 || address == null) {
            return Optional.empty();
        }
        int slash = address.indexOf('/');
        long[] key = parse(slash < 0 ? address : address.substring(0, slash));
        if (key == null) {
            return Optional.empty();
        }
        int low = 0;
        int high = numbers.length - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (compare(startHigh[mid], startLow[mid], key[0], key[1]) <= 0) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        if (found < 0 || compare(key[0], key[1], endHigh[found], endLow[found]) > 0) {
            return Optional.empty();
        }
        return Optional.of(new As(Integer.toUnsignedLong(numbers[found]), names[found]));
    }

    /** Ranges held. */
    public int size() {
        return numbers.length;
    }

    private static long[] address(String text, int line) {
        long[] parsed = parse(text.strip());
        if (parsed == null) {
            throw new IllegalArgumentException("line " + line + ": '" + abbreviate(text) + "' is not an IPv4 or IPv6 address");
        }
        return parsed;
    }

    /** An address as 128 bits, IPv4 mapped into {@code ::ffff:0:0/96}; null if it is none. */
    private static long[] parse(String text) {
        long ipv4 = IpAddress.parseIpv4(text);
        if (ipv4 != IpAddress.NOT_IPV4) {
            return new long[] {0, 0xFFFF_0000_0000L | ipv4};
        }
        byte[] ipv6 = IpAddress.parseIpv6(text);
        return ipv6 == null ? null : new long[] {IpAddress.ipv6High(ipv6), IpAddress.ipv6Low(ipv6)};
    }

    private static int compare(long aHigh, long aLow, long bHigh, long bLow) {
        int high = Long.compareUnsigned(aHigh, bHigh);
        return high != 0 ? high : Long.compareUnsigned(aLow, bLow);
    }

    private static String abbreviate(String text) {
        return text.length() <= NAME_MAX ? text : text.substring(0, NAME_MAX);
    }

    /** Growable parallel arrays, sorted by range start when built. */
    private static final class Ranges {
        private long[] startHigh = new long[1024];
        private long[] startLow = new long[1024];
        private long[] endHigh = new long[1024];
        private long[] endLow = new long[1024];
        private int[] numbers = new int[1024];
        private String[] names = new String[1024];
        private int size;

        void add(long[] start, long[] end, int asn, String name) {
            if (size == numbers.length) {
                int capacity = size * 2;
                startHigh = Arrays.copyOf(startHigh, capacity);
                startLow = Arrays.copyOf(startLow, capacity);
                endHigh = Arrays.copyOf(endHigh, capacity);
                endLow = Arrays.copyOf(endLow, capacity);
                numbers = Arrays.copyOf(numbers, capacity);
                names = Arrays.copyOf(names, capacity);
            }
            startHigh[size] = start[0];
            startLow[size] = start[1];
            endHigh[size] = end[0];
            endLow[size] = end[1];
            numbers[size] = asn;
            names[size] = name;
            size++;
        }

        AsnDatabase build() {
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> compare(startHigh[a], startLow[a], startHigh[b], startLow[b]));
            long[] sh = new long[size];
            long[] sl = new long[size];
            long[] eh = new long[size];
            long[] el = new long[size];
            int[] n = new int[size];
            String[] s = new String[size];
            for (int i = 0; i < size; i++) {
                int from = order[i];
                sh[i] = startHigh[from];
                sl[i] = startLow[from];
                eh[i] = endHigh[from];
                el[i] = endLow[from];
                n[i] = numbers[from];
                s[i] = names[from];
            }
            return new AsnDatabase(sh, sl, eh, el, n, s);
        }
    }
}

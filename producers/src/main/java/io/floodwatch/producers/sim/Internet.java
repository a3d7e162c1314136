package io.floodwatch.producers.sim;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The simulated internet: address blocks per region (each region owns a distinct /8, so regions, prefixes and
 * addresses are consistent), and the user agents of people and of scripts.
 */
final class Internet {

    static final List<String> BROWSERS = List.of(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "DeepChat/1.4.2 (iOS 18.1; iPhone15,2)",
        "DeepChat/1.4.2 (Android 14; SM-S918B)");

    static final List<String> SCRIPTS = List.of(
        "python-requests/2.32.3", "Go-http-client/2.0", "curl/8.5.0", "okhttp/4.12.0");

    private static final Map<String, Integer> FIRST_OCTET = Map.ofEntries(
        Map.entry("CN", 36), Map.entry("US", 23), Map.entry("SG", 43), Map.entry("DE", 46), Map.entry("JP", 60),
        Map.entry("BR", 177), Map.entry("IN", 49), Map.entry("VN", 14), Map.entry("RU", 5), Map.entry("GB", 51),
        Map.entry("KR", 58), Map.entry("FR", 62), Map.entry("ID", 39), Map.entry("NG", 41), Map.entry("TR", 78));

    private Internet() {
    }

    /** An address of a region, spread over the region's /8 by {@code host}. */
    static String address(String region, long host) {
        int first = FIRST_OCTET.getOrDefault(region, 100);
        return first + "." + ((host >>> 16) & 0xff) + "." + ((host >>> 8) & 0xff) + "." + (1 + Math.floorMod(host, 254));
    }

    /** Address {@code index} of {@code perPrefix} addresses in prefix number {@code prefix} of a region. */
    static String addressInPrefix(String region, int prefix, int index) {
        int first = FIRST_OCTET.getOrDefault(region, 100);
        return first + "." + ((prefix >>> 8) & 0xff) + "." + (prefix & 0xff) + "." + (1 + Math.floorMod(index, 254));
    }

    /** A value picked by weight. */
    static <T> T weighted(SplittableRandom random, List<T> values, double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double roll = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            roll -= weights[i];
            if (roll < 0) {
                return values.get(i);
            }
        }
        return values.get(values.size() - 1);
    }
}

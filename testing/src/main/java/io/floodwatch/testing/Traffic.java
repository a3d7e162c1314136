package io.floodwatch.testing;

import java.util.ArrayList;
import java.util.List;

import io.floodwatch.schema.RequestEvent;

/** Deterministic traffic shapes for topology tests: baselines and floods over event time. */
public final class Traffic {

    private Traffic() {
    }

    /**
     * Registrations spread evenly over {@code seconds} from {@code start}: {@code perSecond} a second, from
     * distinct addresses in 10.x, with regions cycling through {@code regions}.
     */
    public static List<RequestEvent> registrations(long start, int seconds, int perSecond, String ipPrefix, String... regions) {
        List<RequestEvent> events = new ArrayList<>();
        int n = 0;
        for (int s = 0; s < seconds; s++) {
            for (int i = 0; i < perSecond; i++) {
                long ts = start + s * 1000L + i * (1000L / perSecond);
                String ip = ipPrefix + ((n / 250) % 250) + "." + (n % 250 + 1);
                events.add(Events.register(ts, ip, regions[n % regions.length], n % 3 == 0 ? 400 : 200));
                n++;
            }
        }
        return events;
    }

    /** Logins spread evenly, from distinct addresses in 172.16.x. */
    public static List<RequestEvent> logins(long start, int seconds, int perSecond, String region) {
        List<RequestEvent> events = new ArrayList<>();
        int n = 0;
        for (int s = 0; s < seconds; s++) {
            for (int i = 0; i < perSecond; i++) {
                long ts = start + s * 1000L + i * (1000L / perSecond);
                events.add(Events.login(ts, "172.16." + (n / 250 % 250) + "." + (n % 250 + 1), region));
                n++;
            }
        }
        return events;
    }

    /** GETs of one path spread evenly, each from a distinct address in 192.168.x. */
    public static List<RequestEvent> gets(long start, int seconds, int perSecond, String path) {
        List<RequestEvent> events = new ArrayList<>();
        int n = 0;
        for (int s = 0; s < seconds; s++) {
            for (int i = 0; i < perSecond; i++) {
                long ts = start + s * 1000L + i * (1000L / perSecond);
                events.add(Events.get(ts, "192.168." + (n / 250 % 250) + "." + (n % 250 + 1), path));
                n++;
            }
        }
        return events;
    }

    /** The same events sent by a script (an HTTP library's user agent). */
    public static List<RequestEvent> scripted(List<RequestEvent> events) {
        List<RequestEvent> scripted = new ArrayList<>(events.size());
        for (RequestEvent event : events) {
            scripted.add(RequestEvent.newBuilder(event).setUserAgent("python-requests/2.32.3").build());
        }
        return scripted;
    }

    /** The same events, all answered {@code status}. */
    public static List<RequestEvent> failing(List<RequestEvent> events, int status) {
        List<RequestEvent> failing = new ArrayList<>(events.size());
        for (RequestEvent event : events) {
            failing.add(RequestEvent.newBuilder(event).setStatus(status).build());
        }
        return failing;
    }

    /** Scripted requests of one route, all answered {@code status}, spread evenly from distinct addresses. */
    public static List<RequestEvent> botnet(long start, int seconds, int perSecond, String method, String path, String ipPrefix,
                                            int status) {
        List<RequestEvent> events = new ArrayList<>();
        int n = 0;
        for (int s = 0; s < seconds; s++) {
            for (int i = 0; i < perSecond; i++) {
                long ts = start + s * 1000L + i * (1000L / perSecond);
                String ip = ipPrefix + ((n / 250) % 250) + "." + (n % 250 + 1);
                events.add(RequestEvent.newBuilder(Events.event(ts, ip, method, path, status, "BR"))
                    .setUserAgent("python-requests/2.32.3").build());
                n++;
            }
        }
        return events;
    }

    /** Events sorted by timestamp, as a gateway would publish them. */
    public static List<RequestEvent> merge(List<RequestEvent> a, List<RequestEvent> b) {
        List<RequestEvent> all = new ArrayList<>(a);
        all.addAll(b);
        all.sort(java.util.Comparator.comparingLong(RequestEvent::getTimestamp));
        return all;
    }
}

package io.floodwatch.gateway.enforce;

/**
 * The parts of a request that commands can name.
 *
 * @param sourceIp client address (IPv4 or IPv6 text); may be null if unknown
 * @param method HTTP method
 * @param path request path, with or without query string
 * @param accountId authenticated account, or null
 * @param region ISO 3166-1 alpha-2 region attributed to the request, or null
 * @param userAgent the request's {@code User-Agent}, or null if it sent none (which counts as scripted)
 */
public record GatewayRequest(String sourceIp, String method, String path, String accountId, String region,
                             String userAgent) {
}

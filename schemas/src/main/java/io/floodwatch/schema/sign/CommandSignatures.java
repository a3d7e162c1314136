package io.floodwatch.schema.sign;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import io.floodwatch.schema.MitigationCommand;

/**
 * Signs and verifies mitigation commands: HMAC-SHA256 over the command's canonical fields and its topic key, with
 * the key id in the {@value #KEY_ID_HEADER} header and the base64 signature in {@value #SIGNATURE_HEADER}.
 *
 * <p>The canonical form is independent of how the value is serialised (Avro single-object encoding, a registry's
 * frame, a reader with a newer schema): a version tag, then the topic key and every field of the first command
 * schema in its order, each string as its UTF-8 length and bytes (length -1 for null), enums by symbol name, numbers
 * as their 8 bytes, evidence sorted by name. Signing the topic key binds a command to the compacted slot it replaces,
 * so a signed command cannot be copied onto another target's key.
 */
public final class CommandSignatures {

    /** Header with the id of the key that signed the command. */
    public static final String KEY_ID_HEADER = "floodwatch-key-id";
    /** Header with the base64 HMAC-SHA256 signature. */
    public static final String SIGNATURE_HEADER = "floodwatch-signature";

    private static final byte[] VERSION = "floodwatch-command-v1".getBytes(StandardCharsets.US_ASCII);

    /** What checking a record's signature found. */
    public enum Verification {
        /** Signed with an accepted key, and the signature matches. */
        VALID,
        /** No signature header, or a record without a value. */
        UNSIGNED,
        /** Signed with a key id this ring does not hold. */
        UNKNOWN_KEY,
        /** The signature does not match the command: forged, altered or signed with another secret. */
        BAD_SIGNATURE
    }

    private final CommandKeys keys;

    /** Signs with, and accepts, the keys of this ring. */
    public CommandSignatures(CommandKeys keys) {
        this.keys = keys;
    }

    /** Whether keys are configured: without, nothing is signed and everything is accepted. */
    public boolean enabled() {
        return keys.configured();
    }

    /** Replaces any signature headers with this command's signature under the signing key. */
    public void sign(String topicKey, MitigationCommand command, Headers headers) {
        headers.remove(KEY_ID_HEADER);
        headers.remove(SIGNATURE_HEADER);
        headers.add(KEY_ID_HEADER, keys.signingKeyId().getBytes(StandardCharsets.UTF_8));
        headers.add(SIGNATURE_HEADER, Base64.getEncoder().encode(mac(keys.signingKey(), canonical(topicKey, command))));
    }

    /**
     * Checks a record's signature.
     *
     * @param topicKey the record's key
     * @param command its decoded value, or null for a tombstone (never signed, so {@link Verification#UNSIGNED})
     * @param headers its headers
     */
    public Verification verify(String topicKey, MitigationCommand command, Headers headers) {
        Header keyId = headers.lastHeader(KEY_ID_HEADER);
        Header signature = headers.lastHeader(SIGNATURE_HEADER);
        if (command == null || keyId == null || signature == null || keyId.value() == null || signature.value() == null) {
            return Verification.UNSIGNED;
        }
        Optional<SecretKeySpec> key = keys.key(new String(keyId.value(), StandardCharsets.UTF_8));
        if (key.isEmpty()) {
            return Verification.UNKNOWN_KEY;
        }
        byte[] presented;
        try {
            presented = Base64.getDecoder().decode(signature.value());
        } catch (IllegalArgumentException e) {
            return Verification.BAD_SIGNATURE;
        }
        byte[] expected = mac(key.get(), canonical(topicKey, command));
        return MessageDigest.isEqual(expected, presented) ? Verification.VALID : Verification.BAD_SIGNATURE;
    }

    /** The bytes that are signed: the topic key and the command's fields, as described above. */
    static byte[] canonical(String topicKey, MitigationCommand command) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(VERSION);
            text(out, topicKey);
            text(out, command.getCommandId());
            text(out, command.getAction() == null ? null : command.getAction().name());
            text(out, command.getScope() == null ? null : command.getScope().name());
            text(out, command.getTarget());
            List<String> regions = command.getAllowedRegions();
            out.writeInt(regions == null ? -1 : regions.size());
            for (String region : regions == null ? List.<String>of() : regions) {
                text(out, region);
            }
            Double rate = command.getRateLimitPerSecond();
            out.writeBoolean(rate != null);
            out.writeLong(rate == null ? 0 : Double.doubleToLongBits(rate));
            text(out, command.getMode() == null ? null : command.getMode().name());
            out.writeLong(command.getDetectedAt());
            out.writeLong(command.getIssuedAt());
            out.writeLong(command.getExpiresAt());
            text(out, command.getReason());
            Map<String, Double> evidence = new TreeMap<>();
            if (command.getEvidence() != null) {
                evidence.putAll(command.getEvidence());
            }
            out.writeInt(evidence.size());
            for (Map.Entry<String, Double> e : evidence.entrySet()) {
                text(out, e.getKey());
                out.writeLong(Double.doubleToLongBits(e.getValue() == null ? Double.NaN : e.getValue()));
            }
            text(out, command.getRule());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void text(DataOutputStream out, CharSequence value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = value.toString().getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static byte[] mac(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(key.getAlgorithm());
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }
}

package io.floodwatch.schema.sign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC-SHA256 keys of the command channel: the first one signs, every one is accepted. A key ring is text, from a
 * file or an environment variable, with one entry {@code <key-id>:<base64 secret>} per line or separated by commas;
 * blank lines and lines starting with {@code #} are skipped. A secret has at least {@value #MIN_SECRET_BYTES} bytes
 * ({@code openssl rand -base64 32}).
 *
 * <p>Rotation accepts two keys at once: add the new key after the old one on every verifier, then put it first on
 * the detector (it signs with it from then on), and remove the old key everywhere once the commands it signed have
 * expired.
 */
public final class CommandKeys {

    /** No keys: commands are neither signed nor verified. */
    public static final CommandKeys NONE = new CommandKeys(new LinkedHashMap<>());

    /** Shortest secret accepted, in bytes: the output length of SHA-256. */
    public static final int MIN_SECRET_BYTES = 32;

    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final String ALGORITHM = "HmacSHA256";

    private final Map<String, SecretKeySpec> keys;

    private CommandKeys(LinkedHashMap<String, SecretKeySpec> keys) {
        this.keys = keys;
    }

    /**
     * Parses a key ring.
     *
     * @param text the entries
     * @param origin where the text came from, for error messages
     * @throws IllegalArgumentException naming the origin and what is wrong
     */
    public static CommandKeys parse(String text, String origin) {
        LinkedHashMap<String, SecretKeySpec> keys = new LinkedHashMap<>();
        int entry = 0;
        for (String line : text.split("[\\r\\n,]+")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            entry++;
            int colon = trimmed.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(origin + ": entry " + entry + " is not <key-id>:<base64 secret>");
            }
            String id = trimmed.substring(0, colon);
            if (!KEY_ID.matcher(id).matches()) {
                throw new IllegalArgumentException(origin + ": entry " + entry
                    + " has a key id that is not 1 to 64 of A-Z a-z 0-9 . _ -");
            }
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(trimmed.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(origin + ": the secret of key '" + id + "' is not base64");
            }
            if (secret.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException(origin + ": the secret of key '" + id + "' has " + secret.length
                    + " bytes, at least " + MIN_SECRET_BYTES + " are needed (openssl rand -base64 32)");
            }
            if (keys.putIfAbsent(id, new SecretKeySpec(secret, ALGORITHM)) != null) {
                throw new IllegalArgumentException(origin + ": key id '" + id + "' appears twice");
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(origin + ": no key in it (expected <key-id>:<base64 secret>)");
        }
        return new CommandKeys(keys);
    }

    /**
     * The key ring named by a file path or an environment variable, or {@link #NONE} when both are empty.
     *
     * @param file path of a key file, or empty
     * @param variable name of an environment variable holding the key ring, or empty
     * @param environment reads environment variables (usually {@code System::getenv})
     * @throws IllegalArgumentException when both are set, the file cannot be read, the variable is unset or the text
     *     is not a key ring
     */
    public static CommandKeys load(String file, String variable, UnaryOperator<String> environment) {
        boolean fromFile = file != null && !file.isBlank();
        boolean fromVariable = variable != null && !variable.isBlank();
        if (fromFile && fromVariable) {
            throw new IllegalArgumentException("command keys: set a key file or an environment variable, not both");
        }
        if (fromFile) {
            try {
                return parse(Files.readString(Path.of(file), StandardCharsets.UTF_8), "key file " + file);
            } catch (IOException e) {
                throw new IllegalArgumentException("key file " + file + " cannot be read: " + e.getMessage());
            }
        }
        if (fromVariable) {
            String text = environment.apply(variable);
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("environment variable " + variable + " holds no command keys");
            }
            return parse(text, "environment variable " + variable);
        }
        return NONE;
    }

    /** Whether there are keys: commands are then signed by the detector and verified by enforcers. */
    public boolean configured() {
        return !keys.isEmpty();
    }

    /** Id of the key that signs. */
    public String signingKeyId() {
        if (keys.isEmpty()) {
            throw new IllegalStateException("no command keys");
        }
        return keys.keySet().iterator().next();
    }

    SecretKeySpec signingKey() {
        return keys.get(signingKeyId());
    }

    Optional<SecretKeySpec> key(String id) {
        return Optional.ofNullable(keys.get(id));
    }

    /** Ids of the keys accepted, signing key first (secrets are never shown). */
    @Override
    public String toString() {
        return "CommandKeys" + keys.keySet();
    }
}

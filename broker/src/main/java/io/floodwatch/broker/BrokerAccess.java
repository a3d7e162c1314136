package io.floodwatch.broker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;

/**
 * Writes the principals' SCRAM credentials and the ACLs of a policy into a secured broker, as its super user, and
 * waits until the broker itself enforces them (the metadata reaches the broker's authorizer a moment after the
 * controller commits it).
 */
final class BrokerAccess {

    private static final int SCRAM_ITERATIONS = 8192;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private BrokerAccess() {
    }

    static void apply(String internalBootstrap, BrokerCredentials credentials, AccessPolicy policy) {
        Map<String, Object> props = Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, internalBootstrap,
            AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
            "sasl.mechanism", "PLAIN",
            "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + BrokerCredentials.BROKER + "\" password=\"" + credentials.password(BrokerCredentials.BROKER) + "\";");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (Admin admin = Admin.create(props)) {
            List<UserScramCredentialUpsertion> users = credentials.principals().stream()
                .map(user -> new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, SCRAM_ITERATIONS), credentials.password(user)))
                .toList();
            admin.alterUserScramCredentials(List.copyOf(users)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<AclBinding> bindings = policy.bindings();
            admin.createAcls(bindings).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            while (admin.describeAcls(AclBindingFilter.ANY).values().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .size() < bindings.size()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the broker did not load its ACLs within " + TIMEOUT.toSeconds() + " s");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while securing the broker", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("cannot write the credentials and ACLs into the broker: " + cause.getMessage(), cause);
        }
    }
}

package org.vbs.plugins.testkit.tools;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A login to an iSCSI target with libiscsi's {@code iscsi-inq} (Debian {@code libiscsi-bin}): it logs
 * in, sends an INQUIRY to the LUN and logs out. CHAP credentials go through the environment
 * ({@code LIBISCSI_CHAP_USERNAME}/{@code _PASSWORD}, {@code LIBISCSI_CHAP_TARGET_USERNAME}/{@code _PASSWORD}
 * for mutual CHAP), never the URL, so they stay out of argv.
 *
 * <p>Measured with libiscsi 1.19 against tgt 1.0.85: a login succeeds with exit 0; a missing or wrong
 * secret or a wrong user exits 10 with "Authentication failure(513)"; an initiator name or address the
 * ACL does not admit exits 10 with "Target not found(515)"; a wrong mutual secret exits 10 with
 * "Invalid CHAP_R response from the target".
 *
 * @param portal {@code host:port}
 * @param targetIqn the target to log in to
 * @param lun the LUN to inquire
 * @param initiatorName the name the initiator gives ({@code iscsi-inq -i})
 * @param user the CHAP user, if any
 * @param secret the CHAP secret, if any
 * @param targetUser the target's mutual-CHAP user, if mutual CHAP is wanted
 * @param targetSecret the target's mutual-CHAP secret
 */
public record IscsiLogin(String portal, String targetIqn, int lun, String initiatorName, Optional<String> user,
                         Optional<String> secret, Optional<String> targetUser, Optional<String> targetSecret) {
    /** What libiscsi prints when the target refuses the initiator's CHAP. */
    public static final String AUTHENTICATION_FAILURE = "Authentication failure(513)";
    /** What libiscsi prints when the target's ACL does not admit the initiator. */
    public static final String NOT_ADMITTED = "Target not found(515)";
    /** What libiscsi prints when the target fails mutual CHAP. */
    public static final String BAD_TARGET_RESPONSE = "Invalid CHAP_R response from the target";

    public IscsiLogin {
        Objects.requireNonNull(portal, "portal");
        Objects.requireNonNull(targetIqn, "targetIqn");
        Objects.requireNonNull(initiatorName, "initiatorName");
    }

    /** A login without CHAP. */
    public static IscsiLogin anonymous(String portal, String targetIqn, int lun, String initiatorName) {
        return new IscsiLogin(portal, targetIqn, lun, initiatorName, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    public IscsiLogin withChap(String chapUser, String chapSecret) {
        return new IscsiLogin(portal, targetIqn, lun, initiatorName, Optional.of(chapUser), Optional.of(chapSecret),
                targetUser, targetSecret);
    }

    public IscsiLogin withTargetChap(String user2, String secret2) {
        return new IscsiLogin(portal, targetIqn, lun, initiatorName, user, secret, Optional.of(user2),
                Optional.of(secret2));
    }

    public IscsiLogin as(String otherInitiatorName) {
        return new IscsiLogin(portal, targetIqn, lun, otherInitiatorName, user, secret, targetUser, targetSecret);
    }

    /** Runs {@code iscsi-inq}; its exit code and output (stdout and stderr). */
    public ExecResult inquire() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(List.of("iscsi-inq", "-i", initiatorName,
                "iscsi://" + portal + "/" + targetIqn + "/" + lun)).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("LC_ALL", "C");
        env.keySet().removeIf(k -> k.startsWith("LIBISCSI_"));
        user.ifPresent(u -> env.put("LIBISCSI_CHAP_USERNAME", u));
        secret.ifPresent(s -> env.put("LIBISCSI_CHAP_PASSWORD", s));
        targetUser.ifPresent(u -> env.put("LIBISCSI_CHAP_TARGET_USERNAME", u));
        targetSecret.ifPresent(s -> env.put("LIBISCSI_CHAP_TARGET_PASSWORD", s));
        Process process = builder.start();
        try {
            process.getOutputStream().close();
            byte[] out;
            try (InputStream in = process.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!process.waitFor(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("iscsi-inq did not end within 30 s (" + targetIqn + ")");
            }
            return new ExecResult(process.exitValue(), new String(out, StandardCharsets.UTF_8).strip());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while iscsi-inq ran", e);
        } finally {
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return "IscsiLogin[" + initiatorName + " -> " + portal + "/" + targetIqn + "/" + lun + ", user="
                + user.orElse("-") + ", mutual=" + targetUser.isPresent() + "]";
    }
}

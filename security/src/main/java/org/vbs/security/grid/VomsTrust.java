package org.vbs.security.grid;

import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.italiangrid.voms.VOMSAttribute;
import org.italiangrid.voms.VOMSError;
import org.italiangrid.voms.VOMSValidators;
import org.italiangrid.voms.ac.VOMSACValidator;
import org.italiangrid.voms.ac.VOMSValidationResult;
import org.italiangrid.voms.asn1.VOMSACUtils;
import org.italiangrid.voms.error.VOMSValidationErrorMessage;
import org.italiangrid.voms.store.impl.DefaultUpdatingVOMSTrustStore;
import org.italiangrid.voms.util.NullListener;
import org.vbs.security.Fqan;

/**
 * The VOMS attributes of a signer chain, believed only as grid services believe them (the VOMS API,
 * voms-api-java): the attribute certificates (ACs) of the chain's leaf-most certificate carrying any
 * (extension 1.3.6.1.4.1.8005.100.100.5) must each be signed by the VOMS server a vomsdir file
 * {@code <vomsdir>/<vo>/<host>.lsc} describes (its DN, then its CA's DN, in slash form), that
 * server's certificate must validate against the grid CA directory ({@link TrustDirectory}), and
 * the AC must be valid now and issued to the chain's end entity. The vomsdir is read again every
 * update interval of the CA directory's settings, so an .lsc dropped in applies without a restart.
 *
 * <p>An AC that fails any check refuses the whole chain ({@link VomsCheck#refusal()}): it is never
 * ignored, since a caller must not be served as someone without attributes whose attributes were
 * forged. Without a vomsdir configured, every chain carrying an AC is refused. A chain without ACs
 * has no FQANs.
 */
public final class VomsTrust implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(VomsTrust.class.getName());
    private static final Map<Key, VomsTrust> SHARED = new ConcurrentHashMap<>();

    private final Optional<DefaultUpdatingVOMSTrustStore> store;
    private final Optional<VOMSACValidator> validator;

    private VomsTrust(Optional<DefaultUpdatingVOMSTrustStore> store, Optional<VOMSACValidator> validator) {
        this.store = store;
        this.validator = validator;
    }

    /**
     * The VOMS servers of a vomsdir, their certificates checked against the CA directory.
     *
     * @throws IllegalArgumentException if the vomsdir does not exist (a typo must not mean "trust no VOMS server, silently")
     */
    public static VomsTrust open(Path vomsDirectory, TrustDirectory cas) {
        if (!Files.isDirectory(vomsDirectory)) {
            throw new IllegalArgumentException("the vomsdir " + vomsDirectory + " does not exist");
        }
        DefaultUpdatingVOMSTrustStore store = new DefaultUpdatingVOMSTrustStore(List.of(vomsDirectory.toString()),
                cas.settings().updateInterval().toMillis(), NullListener.INSTANCE);
        return new VomsTrust(Optional.of(store), Optional.of(VOMSValidators.newValidator(store, cas.validator())));
    }

    /** No VOMS server is trusted: every chain with an AC is refused. */
    public static VomsTrust none() {
        return new VomsTrust(Optional.empty(), Optional.empty());
    }

    /**
     * The server's VOMS trust, per its WSS4J crypto properties: the vomsdir named by
     * {@link GridTrustSettings#VOMSDIR} (or none) over the CA directory they name, made once per
     * settings.
     *
     * @throws IllegalArgumentException if the properties name no CA directory, or a directory that does not exist
     */
    public static VomsTrust shared(Properties cryptoProperties) {
        GridTrustSettings settings = GridTrustSettings.from(cryptoProperties);
        Optional<Path> vomsDirectory = GridTrustSettings.vomsDirectory(cryptoProperties);
        return SHARED.computeIfAbsent(new Key(settings, vomsDirectory), key -> {
            if (key.vomsDirectory().isEmpty()) {
                LOG.log(Level.WARNING, "{0} is not set: no VOMS server is trusted, and every proxy carrying VOMS"
                        + " attributes is refused", GridTrustSettings.VOMSDIR);
                return none();
            }
            return open(key.vomsDirectory().get(), TrustDirectory.shared(key.settings()));
        });
    }

    /**
     * The server's VOMS trust per its crypto.properties file ({@link #shared}).
     *
     * @throws IllegalStateException naming the file if it cannot be read
     * @throws IllegalArgumentException if it names no CA directory, or a directory that does not exist
     */
    public static VomsTrust forServer(Path cryptoProperties) {
        return shared(GridTrustSettings.load(cryptoProperties));
    }

    /**
     * Checks the chain's ACs. Call it only with a chain the CA directory's trust check accepted.
     *
     * @param chain the signer first
     */
    public VomsCheck check(X509Certificate[] chain) {
        Objects.requireNonNull(chain, "chain");
        if (validator.isEmpty()) {
            for (X509Certificate certificate : chain) {
                if (VOMSACUtils.getVOMSExtensionFromCertificate(certificate) != null) {
                    return VomsCheck.refused("the chain carries VOMS attributes, and no vomsdir is configured ("
                            + GridTrustSettings.VOMSDIR + ")");
                }
            }
            return VomsCheck.NONE;
        }
        List<VOMSValidationResult> results;
        try {
            results = validator.get().validateWithResult(chain);
        } catch (VOMSError | IllegalArgumentException e) {
            return VomsCheck.refused("unreadable VOMS attributes: " + e.getMessage());
        } catch (RuntimeException e) {
            // canl fails this way on some forged chains (an AA certificate from a CA that has the
            // trusted CA's name, not its key, when that CA has a CRL): what cannot be validated is refused.
            LOG.log(Level.WARNING, "the VOMS attributes of " + chain[0].getSubjectX500Principal()
                    + " could not be validated", e);
            return VomsCheck.refused(parsed(chain).stream().map(VomsTrust::named).collect(Collectors.joining(", "))
                    + " refused: it could not be validated (" + e.getClass().getSimpleName() + ", see the server log)");
        }
        Set<Fqan> fqans = new LinkedHashSet<>();
        for (VOMSValidationResult result : results) {
            VOMSAttribute attributes = result.getAttributes();
            if (!result.isValid()) {
                return VomsCheck.refused(named(attributes) + " refused: " + String.join("; ",
                        result.getValidationErrors().stream().map(VOMSValidationErrorMessage::getMessage).toList()));
            }
            for (String fqan : attributes.getFQANs()) {
                try {
                    fqans.add(Fqan.parse(fqan));
                } catch (IllegalArgumentException e) {
                    return VomsCheck.refused(named(attributes) + " refused: it carries " + e.getMessage());
                }
            }
        }
        return new VomsCheck(List.copyOf(fqans), Optional.empty());
    }

    private static String named(VOMSAttribute attributes) {
        return "VOMS attribute certificate of VO '" + attributes.getVO() + "' from " + attributes.getHost();
    }

    /** The chain's ACs as they read, unchecked: only to name them in a refusal. */
    private static List<VOMSAttribute> parsed(X509Certificate[] chain) {
        return VOMSValidators.newParser().parse(chain);
    }

    /** Stops re-reading the vomsdir (the CA directory is not this object's to close). */
    @Override
    public void close() {
        store.ifPresent(DefaultUpdatingVOMSTrustStore::cancel);
    }

    private record Key(GridTrustSettings settings, Optional<Path> vomsDirectory) {
    }

    /**
     * What a chain's VOMS attributes say: its validated FQANs (the primary one first, as the ACs
     * list them), or why it is refused (for the audit log and the server log, never for the caller).
     */
    public record VomsCheck(List<Fqan> fqans, Optional<String> refusal) {
        static final VomsCheck NONE = new VomsCheck(List.of(), Optional.empty());

        public VomsCheck {
            fqans = List.copyOf(fqans);
            if (refusal.isPresent() && !fqans.isEmpty()) {
                throw new IllegalArgumentException("a refused chain has no FQANs");
            }
        }

        static VomsCheck refused(String reason) {
            return new VomsCheck(List.of(), Optional.of(reason));
        }

        public boolean accepted() {
            return refusal.isEmpty();
        }
    }
}

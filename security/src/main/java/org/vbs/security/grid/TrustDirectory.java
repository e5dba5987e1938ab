package org.vbs.security.grid;

import eu.emi.security.authn.x509.ProxySupport;
import eu.emi.security.authn.x509.ValidationError;
import eu.emi.security.authn.x509.ValidationResult;
import eu.emi.security.authn.x509.impl.CRLParameters;
import eu.emi.security.authn.x509.impl.OpensslCertChainValidator;
import eu.emi.security.authn.x509.impl.RevocationParametersExt;
import eu.emi.security.authn.x509.impl.ValidatorParamsExt;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Trust as grid sites keep it: an OpenSSL-style CA directory ({@code <hash>.0} CA certificates,
 * {@code <hash>.r0} CRLs, {@code .signing_policy}/{@code .namespaces} files, under OpenSSL's current
 * subject-hash names or, if so set, the legacy MD5 ones), read again every update interval, so a CA or CRL dropped in (or removed) applies within
 * that time without a restart. Chains are checked by the EMI common authentication library (canl):
 * every certificate's validity period, signatures up to a CA in the directory, CRLs per the
 * settings, namespaces, and RFC 3820 proxies with their path-length constraints.
 */
public final class TrustDirectory implements AutoCloseable {
    /**
     * The server's directories: WSS4J may make a crypto per endpoint or per message and the endpoint
     * checks VOMS attributes against the same CAs; a directory is read (and watched) once per
     * settings however many ask.
     */
    private static final Map<GridTrustSettings, TrustDirectory> SHARED = new ConcurrentHashMap<>();

    private final GridTrustSettings settings;
    private final OpensslCertChainValidator validator;

    private TrustDirectory(GridTrustSettings settings, OpensslCertChainValidator validator) {
        this.settings = settings;
        this.validator = validator;
    }

    /**
     * @throws IllegalArgumentException if the directory does not exist (a typo must not mean "trust nobody, silently")
     */
    public static TrustDirectory open(GridTrustSettings settings) {
        if (!Files.isDirectory(settings.directory())) {
            throw new IllegalArgumentException("the CA directory " + settings.directory() + " does not exist");
        }
        // CRLs are read from the directory itself (OpensslCertChainValidator does), never fetched.
        RevocationParametersExt revocation = new RevocationParametersExt(settings.crls(), new CRLParameters());
        ValidatorParamsExt params = new ValidatorParamsExt(revocation, ProxySupport.ALLOW);
        OpensslCertChainValidator validator = new OpensslCertChainValidator(settings.directory().toString(),
                !settings.legacyMd5Names(),
                settings.namespaces(), settings.updateInterval().toMillis(), params, false);
        return new TrustDirectory(settings, validator);
    }

    /** The directory of these settings, opened on first use and then kept for the life of the class loader. */
    public static TrustDirectory shared(GridTrustSettings settings) {
        return SHARED.computeIfAbsent(settings, TrustDirectory::open);
    }

    public GridTrustSettings settings() {
        return settings;
    }

    /**
     * Checks a chain, the signer first (a proxy chain: the proxies, then the end entity, then any
     * intermediate CAs the sender included).
     */
    public ChainCheck check(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            return new ChainCheck(false, List.of("no certificate"));
        }
        ValidationResult result;
        try {
            result = validator.validate(chain);
        } catch (RuntimeException e) {
            // canl 2.8.3 throws a NullPointerException for a chain from an impostor CA that bears a
            // trusted CA's name when that CA's CRL is in the directory: a chain it cannot vouch for.
            return new ChainCheck(false, List.of("canl could not check the chain: " + e));
        }
        List<String> problems = result.getErrors().stream().map(ValidationError::getMessage).toList();
        return new ChainCheck(result.isValid(), result.isValid() ? List.of() : problems);
    }

    /** canl's validator of this directory, for libraries built on canl (voms-api-java). */
    OpensslCertChainValidator validator() {
        return validator;
    }

    @Override
    public void close() {
        validator.dispose();
    }

    /** Whether a chain is trusted, and if not, why (for the log: never for the caller). */
    public record ChainCheck(boolean trusted, List<String> problems) {
        public ChainCheck {
            problems = List.copyOf(problems);
        }
    }
}

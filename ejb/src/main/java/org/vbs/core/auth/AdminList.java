package org.vbs.core.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;
import org.vbs.core.api.RequestContext;
import org.vbs.core.domain.UserText;
import org.vbs.security.Fqan;
import org.vbs.security.GridIdentity;

/**
 * The administrators, listed one per line in a file ({@code ${vbs.home}/admins}): a DN (RFC 2253,
 * or the grid slash form {@code /O=Grid/OU=ops/CN=Jane Doe}) names that caller; a VOMS FQAN
 * ({@code /myvo/Role=storage-admin}, or the full form {@code /myvo/Role=storage-admin/Capability=NULL})
 * names every caller whose validated VOMS attributes hold it ({@link Fqan#grants}: the same group
 * and the same role, so {@code /myvo} names the plain members of /myvo and none of its roles or
 * subgroups). The two never mix up: a slash-form DN's first part is {@code type=value}, an FQAN's
 * is the VO name. Blank lines and lines starting with {@code #} are skipped. No file means no
 * administrators. A line that is neither is logged at ERROR and grants nothing. The file is read on
 * every check, so an edit applies without a restart.
 */
public final class AdminList {
    public static final String FILE_NAME = "admins";

    private static final Logger LOG = Logger.getLogger(AdminList.class);

    private final Path file;

    public AdminList(Path file) {
        this.file = file;
    }

    /** Whether the caller is listed by its DN or holds a listed FQAN. */
    public boolean isAdmin(RequestContext request) {
        Entries entries = entries();
        return entries.dns().contains(request.caller())
                || request.fqans().stream().anyMatch(held -> entries.fqans().stream().anyMatch(held::grants));
    }

    private Entries entries() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new Entries(Set.of(), List.of());
        } catch (IOException e) {
            throw new IllegalStateException("the administrator list " + file + " cannot be read", e);
        }
        Set<GridIdentity> dns = new HashSet<>();
        List<Fqan> fqans = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (Fqan.isWrittenAsOne(line)) {
                try {
                    fqans.add(Fqan.parse(line));
                } catch (IllegalArgumentException e) {
                    LOG.errorf("%s line %d is not an FQAN and grants nothing: %s (%s)", file, i + 1,
                            UserText.quote(line), e.getMessage());
                }
                continue;
            }
            try {
                dns.add(GridIdentity.parse(line));
            } catch (IllegalArgumentException e) {
                LOG.errorf("%s line %d is not a DN and grants nothing: %s (%s)", file, i + 1, UserText.quote(line),
                        e.getMessage());
            }
        }
        return new Entries(dns, fqans);
    }

    private record Entries(Set<GridIdentity> dns, List<Fqan> fqans) {
    }
}

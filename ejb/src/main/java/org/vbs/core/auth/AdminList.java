package org.vbs.core.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;
import org.vbs.core.domain.UserText;
import org.vbs.security.GridIdentity;

/**
 * The administrators: DNs listed one per line in a file ({@code ${vbs.home}/admins}); blank lines
 * and lines starting with {@code #} are skipped. No file means no administrators. A line that is not
 * a DN is logged at ERROR and grants nothing. The file is read on every check, so an edit applies
 * without a restart.
 */
public final class AdminList {
    public static final String FILE_NAME = "admins";

    private static final Logger LOG = Logger.getLogger(AdminList.class);

    private final Path file;

    public AdminList(Path file) {
        this.file = file;
    }

    public boolean isAdmin(GridIdentity caller) {
        return admins().contains(caller);
    }

    private Set<GridIdentity> admins() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Set.of();
        } catch (IOException e) {
            throw new IllegalStateException("the administrator list " + file + " cannot be read", e);
        }
        Set<GridIdentity> admins = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                admins.add(GridIdentity.parse(line));
            } catch (IllegalArgumentException e) {
                LOG.errorf("%s line %d is not a DN and grants nothing: %s (%s)", file, i + 1, UserText.quote(line),
                        e.getMessage());
            }
        }
        return admins;
    }
}

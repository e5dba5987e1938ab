package org.vbs.security.grid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vbs.security.Fqan;
import org.vbs.security.GridIdentity;

/**
 * A grid-mapfile ({@code "<DN>" account[,account...]} per line, the DN quoted, in the slash form
 * grid tools print or RFC 2253; {@code #} comments), used as the list of who may use the service at
 * all. As in a VOMS grid-mapfile (LCMAPS's voms-mapfile), a line may name a VOMS FQAN instead of a DN
 * ({@code "/myvo/Role=storage-admin" account}): it admits every caller whose validated attributes
 * hold it ({@link Fqan#grants}: the same group, the same role). No file means no such restriction.
 * The file is read again whenever it changes, so an edit applies to the next call. A line that is
 * not an entry grants nothing and is reported.
 */
public final class GridMapFile {
    private static final System.Logger LOG = System.getLogger(GridMapFile.class.getName());
    private static final Pattern ENTRY = Pattern.compile("\\s*\"((?:[^\"\\\\]|\\\\.)+)\"\\s+(\\S.*)");

    private final Path file;
    private FileTime readAt;
    private Optional<Entries> admitted = Optional.empty();

    public GridMapFile(Path file) {
        this.file = file;
    }

    /**
     * Whether the caller may use the service: its DN or one of its FQANs is listed, or no grid-mapfile
     * exists.
     *
     * @param fqans the caller's validated VOMS attributes (none for a chain without them)
     */
    public synchronized boolean admits(GridIdentity identity, List<Fqan> fqans) {
        return current().map(listed -> listed.dns().contains(identity)
                || fqans.stream().anyMatch(held -> listed.fqans().stream().anyMatch(held::grants))).orElse(true);
    }

    private Optional<Entries> current() {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file);
        } catch (NoSuchFileException e) {
            readAt = null;
            admitted = Optional.empty();
            return admitted;
        } catch (IOException e) {
            // Unreadable is not absent: admitting everyone would fail open.
            throw new IllegalStateException("the grid-mapfile " + file + " cannot be read", e);
        }
        if (!modified.equals(readAt)) {
            admitted = Optional.of(read());
            readAt = modified;
        }
        return admitted;
    }

    private Entries read() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("the grid-mapfile " + file + " cannot be read", e);
        }
        Set<GridIdentity> dns = new HashSet<>();
        List<Fqan> fqans = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher entry = ENTRY.matcher(line);
            try {
                if (!entry.matches()) {
                    throw new IllegalArgumentException("not \"<DN or FQAN>\" account");
                }
                String named = entry.group(1).replaceAll("\\\\(.)", "$1");
                if (Fqan.isWrittenAsOne(named)) {
                    fqans.add(Fqan.parse(named));
                } else {
                    dns.add(GridIdentity.parse(named));
                }
            } catch (IllegalArgumentException e) {
                LOG.log(System.Logger.Level.ERROR, "{0} line {1} grants nothing: {2}", file, i + 1, e.getMessage());
            }
        }
        return new Entries(Set.copyOf(dns), List.copyOf(fqans));
    }

    private record Entries(Set<GridIdentity> dns, List<Fqan> fqans) {
    }
}

package org.vbs.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.vbs.cli.generated.FilterSetType;
import org.vbs.cli.generated.FilterType;
import org.vbs.cli.generated.ValueSetType;
import org.vbs.cli.generated.ValueType;
import picocli.CommandLine.Option;

/** The filter and pagination options describe-volumes and describe-snapshots share. */
final class DescribeOptions {
    @Option(names = "--filter", paramLabel = "NAME=VALUE[,VALUE...]", converter = Filter.Converter.class,
            description = "Only resources whose NAME is one of the VALUEs, e.g. status=available. Repeatable;"
                    + " a resource must match every filter.")
    List<Filter> filters = new ArrayList<>();

    @Option(names = "--max-results", paramLabel = "N", description = "At most N results per page.")
    Integer maxResults;

    @Option(names = "--next-token", paramLabel = "TOKEN", description = "Start at the page a previous call's nextToken named.")
    String nextToken;

    @Option(names = "--all", description = "Follow nextToken and print every page as one list.")
    boolean all;

    Optional<String> firstToken() {
        return Optional.ofNullable(nextToken);
    }

    /** The filters in the wire form; null (element left out) when there are none. */
    FilterSetType filterSet() {
        if (filters.isEmpty()) {
            return null;
        }
        FilterSetType set = new FilterSetType();
        for (Filter filter : filters) {
            FilterType item = new FilterType();
            item.setName(filter.name());
            item.setValueSet(new ValueSetType());
            for (String value : filter.values()) {
                ValueType wireValue = new ValueType();
                wireValue.setValue(value);
                item.getValueSet().getItem().add(wireValue);
            }
            set.getItem().add(item);
        }
        return set;
    }
}

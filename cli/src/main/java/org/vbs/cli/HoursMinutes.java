package org.vbs.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A duration written as grid tools take it, {@code HH:MM} (e.g. 12:00, 0:30, 168:00). */
final class HoursMinutes implements ITypeConverter<Duration> {
    private static final Pattern FORM = Pattern.compile("([0-9]{1,6}):([0-5][0-9])");

    @Override
    public Duration convert(String value) {
        Matcher matcher = FORM.matcher(value);
        if (!matcher.matches()) {
            throw new TypeConversionException("'" + value + "' is not HH:MM (hours:minutes, e.g. 12:00)");
        }
        return Duration.ofHours(Integer.parseInt(matcher.group(1))).plusMinutes(Integer.parseInt(matcher.group(2)));
    }

    /** The duration as H:MM:SS (hours unbounded), as grid-proxy-info shows the time left. */
    static String format(Duration duration) {
        long seconds = Math.max(0, duration.getSeconds());
        return String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}

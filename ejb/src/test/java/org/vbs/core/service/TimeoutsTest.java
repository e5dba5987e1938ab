package org.vbs.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class TimeoutsTest {

    @Test
    void shouldUseTheDefaultsWhenNothingIsSet() {
        assertEquals(Timeouts.DEFAULT, Timeouts.from(new Properties()));
    }

    @Test
    void shouldReadIso8601DurationsAndWholeSeconds() {
        Timeouts timeouts = Timeouts.from(properties("PT1M30S", "7200"));

        assertEquals(Duration.ofSeconds(90), timeouts.hostCall());
        assertEquals(Duration.ofHours(2), timeouts.copy());
    }

    @Test
    void shouldKeepTheOtherDefaultWhenOnlyOneIsSet() {
        Properties properties = new Properties();
        properties.setProperty(Timeouts.HOST_CALL_PROPERTY, " 5 ");

        Timeouts timeouts = Timeouts.from(properties);

        assertEquals(Duration.ofSeconds(5), timeouts.hostCall());
        assertEquals(Timeouts.DEFAULT.copy(), timeouts.copy());
    }

    @Test
    void shouldRefuseWhatIsNotAPositiveDurationNamingTheProperty() {
        for (String bad : new String[] {"0", "PT0S", "-PT5S", "5s", "two minutes", "99999999999999999999"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> Timeouts.from(properties(bad, "")), bad);
            assertTrue(refused.getMessage().contains(Timeouts.HOST_CALL_PROPERTY)
                    && refused.getMessage().contains(bad), refused.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Timeouts.from(properties("", "PT-1H")));
    }

    private static Properties properties(String hostCall, String copy) {
        Properties properties = new Properties();
        properties.setProperty(Timeouts.HOST_CALL_PROPERTY, hostCall);
        properties.setProperty(Timeouts.COPY_PROPERTY, copy);
        return properties;
    }
}

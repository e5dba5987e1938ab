package org.vbs.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fault injection into a real server's step runner (org.vbs.core.ops.StepRunner) with Byteman, the tool
 * WildFly's own testsuite uses, so no fault hook lives in the production code. The server JVM runs
 * Byteman as a Java agent ({@link #jvmOptions()}) with a rule script written here, whose rules lie in
 * wait at every step boundary of every operation:
 *
 * <ul>
 *   <li>{@link When#BEFORE}: a step is about to run, so the steps before it are done and journalled
 *       (for step 1, the claim that committed with the journal record);</li>
 *   <li>{@link When#DONE_NOT_RECORDED}: a storage step's driver work returned, and the journal does not
 *       say so yet;</li>
 *   <li>{@link When#UNDONE_NOT_RECORDED}: in a rollback, a storage step's compensation returned, and the
 *       journal does not say so yet.</li>
 * </ul>
 *
 * A rule fires only where the test armed its point: a file named {@code <kind>.<step>.<when>.<action>}
 * in the arming directory, which the rule deletes as it fires (so one arming stops one operation, the
 * first to get there). {@link Action#HALT} halts the JVM on the spot ({@code Runtime.halt}, as a
 * {@code kill -9} would: no shutdown hook, nothing flushed); {@link Action#PARK} blocks the operation's
 * thread there for good, so it is still at that point when a later armed point halts the JVM, and one
 * server death interrupts several operations, each at a boundary of its own; {@link Action#PAUSE} blocks
 * it for a while and lets it go on (long enough for a test to freeze the JVM there). All print a line on the
 * server's stdout, which {@link #awaitFired} looks for.
 */
public final class StepFaults {
    private static final String RUNNER = "org.vbs.core.ops.StepRunner";
    private static final Pattern FIRED = Pattern.compile("vbs-fault: (parked|pausing|halting) (\\S+)/(\\S+) (before|done|undone) (\\S+)");

    /** Where in a step. */
    public enum When {
        BEFORE("before"),
        DONE_NOT_RECORDED("done"),
        UNDONE_NOT_RECORDED("undone");

        private final String word;

        When(String word) {
            this.word = word;
        }
    }

    /** What the rule does when it fires. */
    public enum Action {
        PARK,
        /** Blocks the operation's thread there for {@link #PAUSE_SECONDS} s, then lets it go on. */
        PAUSE,
        HALT
    }

    /**
     * A step boundary of one kind of operation.
     *
     * @param kind the operation kind as the journal names it ({@code ATTACH_VOLUME}, ...)
     * @param step the step's name in its plan ({@code export}, {@code attach-device}, ...)
     */
    public record Point(String kind, String step, When when) {
        public static Point before(String kind, String step) {
            return new Point(kind, step, When.BEFORE);
        }

        public static Point doneNotRecorded(String kind, String step) {
            return new Point(kind, step, When.DONE_NOT_RECORDED);
        }

        public static Point undoneNotRecorded(String kind, String step) {
            return new Point(kind, step, When.UNDONE_NOT_RECORDED);
        }

        @Override
        public String toString() {
            return kind + "/" + step + " " + when.word;
        }
    }

    /** How long {@link Action#PAUSE} holds an operation. */
    public static final int PAUSE_SECONDS = 20;

    private final Path armDir;
    private final Path script;

    private StepFaults(Path armDir, Path script) {
        this.armDir = armDir;
        this.script = script;
    }

    /** Writes the rule script and makes an empty arming directory under {@code dir}. */
    public static StepFaults in(Path dir) throws IOException {
        Path armDir = Files.createDirectories(dir.resolve("armed"));
        try (var armed = Files.list(armDir)) {
            for (Path stale : (Iterable<Path>) armed::iterator) {
                Files.delete(stale);
            }
        }
        Path script = dir.resolve("step-faults.btm");
        List<String> rules = new ArrayList<>();
        for (Action action : Action.values()) {
            rules.add(rule(armDir, action, "applyMetadata", "AT ENTRY", "$2", When.BEFORE));
            rules.add(rule(armDir, action, "applyStorage", "AT ENTRY", "$2", When.BEFORE));
            rules.add(rule(armDir, action, "applyStorage", "AFTER INVOKE callDriver", "$2", When.DONE_NOT_RECORDED));
            // rollBack's local 'step' (the classes are compiled with their local variable tables).
            rules.add(rule(armDir, action, "rollBack", "AFTER INVOKE callDriver", "$step",
                    When.UNDONE_NOT_RECORDED));
        }
        Files.writeString(script, String.join("\n", rules), StandardCharsets.UTF_8);
        return new StepFaults(armDir, script);
    }

    /** The server JVM's options: Byteman as its agent with the script, on the boot class path. */
    public List<String> jvmOptions() {
        Path agent = ItConfig.bytemanJar();
        return List.of("-javaagent:" + agent + "=script:" + script + ",boot:" + agent);
    }

    /** Arms the point: the next operation to reach it parks there, or halts the JVM. */
    public void arm(Point point, Action action) throws IOException {
        Files.writeString(armFile(point, action), "");
    }

    /** Whether the point is still armed (no operation reached it yet). */
    public boolean armed(Point point, Action action) {
        return Files.exists(armFile(point, action));
    }

    /**
     * Waits until the console log shows the point fired (after {@code fromOffset}, its length when the
     * point was armed) and returns the id of the resource whose operation it stopped.
     */
    public static String awaitFired(Path consoleLog, long fromOffset, Point point, Duration patience)
            throws Exception {
        return Await.until(point + " to fire", patience, () -> firedSince(consoleLog, fromOffset, point),
                () -> "not in " + consoleLog + " yet");
    }

    private static Optional<String> firedSince(Path consoleLog, long fromOffset, Point point) throws IOException {
        Matcher fired = FIRED.matcher(ConsoleLog.since(consoleLog, fromOffset));
        while (fired.find()) {
            if (fired.group(2).equals(point.kind()) && fired.group(3).equals(point.step())
                    && fired.group(4).equals(point.when().word)) {
                return Optional.of(fired.group(5));
            }
        }
        return Optional.empty();
    }

    private Path armFile(Point point, Action action) {
        return armDir.resolve(point.kind() + "." + point.step() + "." + point.when().word + "."
                + action.name().toLowerCase(Locale.ROOT));
    }

    /**
     * One rule: at the location in the runner's method ($1 the operation's record, {@code step} the
     * step), if the point's arming file exists (deleting it claims it), print the point and park or halt.
     */
    private static String rule(Path armDir, Action action, String method, String location, String step, When when) {
        String point = "$1.kind().name() + \"/\" + " + step + ".name() + \" " + when.word + " \" + $1.resourceId()";
        String does = switch (action) {
            case HALT -> "traceln(\"vbs-fault: halting \" + " + point + ");\n   killJVM()";
            case PARK -> "traceln(\"vbs-fault: parked \" + " + point + ");\n   waitFor(\"vbs-fault: never\")";
            case PAUSE -> "traceln(\"vbs-fault: pausing \" + " + point + ");\n   waitFor(\"vbs-fault: pause\", "
                    + PAUSE_SECONDS * 1000 + ")";
        };
        return String.join("\n",
                "RULE " + action.name().toLowerCase(Locale.ROOT) + " " + when.word + " " + method,
                "CLASS " + RUNNER,
                "METHOD " + method,
                location,
                "BIND armed : java.io.File = new java.io.File(\"" + armDir + "/\" + $1.kind().name() + \".\""
                        + " + " + step + ".name() + \"." + when.word + "." + action.name().toLowerCase(Locale.ROOT)
                        + "\")",
                "IF armed.delete()",
                "DO " + does,
                "ENDRULE",
                "");
    }
}

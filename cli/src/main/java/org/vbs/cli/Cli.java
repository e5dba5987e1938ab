package org.vbs.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * One run of {@code vbs}: parses the arguments, runs the command and turns every failure into
 * one "Error: code: message" line and an {@link ExitCode}. Stack traces only with --debug.
 */
public final class Cli {
    private final CliContext context;

    public Cli(CliContext context) {
        this.context = context;
    }

    /** @return the exit status */
    public int run(String... args) {
        VbsCommand root = new VbsCommand(context);
        CommandLine commandLine = new CommandLine(root)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(new PrintWriter(context.out(), true))
                .setErr(new PrintWriter(context.err(), true))
                .setParameterExceptionHandler((problem, arguments) -> {
                    context.err().println("Error: Usage: " + Text.oneLine(problem.getMessage()));
                    context.err().println("Try '" + problem.getCommandLine().getCommandSpec().qualifiedName()
                            + " --help' for the options.");
                    if (root.debug()) {
                        problem.printStackTrace(context.err());
                    }
                    return ExitCode.USAGE;
                })
                .setExecutionExceptionHandler((failure, failedCommand, parseResult) -> {
                    Failure reported = Failure.of(failure);
                    context.err().println(reported.line());
                    if (root.debug()) {
                        failure.printStackTrace(context.err());
                    }
                    return reported.exitCode();
                });
        int status = commandLine.execute(args);
        context.out().flush();
        context.err().flush();
        return status;
    }
}

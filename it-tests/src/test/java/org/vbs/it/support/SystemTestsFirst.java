package org.vbs.it.support;

import java.util.Comparator;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * Runs the system tests (their own server process) before the Arquillian tests. The Arquillian
 * server starts with the first Arquillian class and stays up until the run ends, so this order is
 * what keeps two servers from running at once on a 2-core machine. Set as the default class order
 * in junit-platform.properties.
 */
public final class SystemTestsFirst implements ClassOrderer {
    private static final String SYSTEM_PACKAGE = "org.vbs.it.system";

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator
                .comparing((ClassDescriptor c) -> !c.getTestClass().getPackageName().equals(SYSTEM_PACKAGE))
                .thenComparing(c -> c.getTestClass().getName()));
    }
}

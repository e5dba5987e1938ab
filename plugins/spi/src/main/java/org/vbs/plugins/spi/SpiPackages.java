package org.vbs.plugins.spi;

/**
 * The SPI's packages with their versions, as a host exports them to plugin bundles
 * ({@code org.osgi.framework.system.packages.extra}): the one place that lists them.
 */
public final class SpiPackages {
    /** Keep in step with the {@code @Version} of each package-info. */
    public static final String SYSTEM_PACKAGES_EXTRA = "org.vbs.plugins.spi;version=2.1.0,"
            + "org.vbs.plugins.spi.volume;version=2.1.0,"
            + "org.vbs.plugins.spi.export;version=2.0.0,"
            + "org.vbs.plugins.spi.hypervisor;version=2.0.0";

    private SpiPackages() {
    }
}

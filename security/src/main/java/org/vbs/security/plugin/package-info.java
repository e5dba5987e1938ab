/**
 * Signed plugin bundles: the plugin host installs a jar only if {@link org.vbs.security.plugin.SignedJarVerifier}
 * accepts it, i.e. every entry is signed, by one signer, whose certificate is in the operator's
 * plugin trust store ({@link org.vbs.security.plugin.PluginTrust}: the PEM certificates of
 * {@code $VBS_HOME/plugin-trust}) or chains to a CA certificate there.
 * {@link org.vbs.security.plugin.PluginJarSigner} signs jars with a PEM credential (the JDK's
 * {@code jdk.security.jarsigner} API, what the {@code jarsigner} tool runs).
 */
package org.vbs.security.plugin;

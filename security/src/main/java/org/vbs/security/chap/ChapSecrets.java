package org.vbs.security.chap;

import java.security.SecureRandom;

/**
 * Fresh CHAP credentials for one attachment. Secrets are 16 characters of [A-Za-z0-9] (95 bits):
 * within the 12-16 characters some initiators demand, within what tgtadm can carry (no commas or
 * spaces), and never reused.
 */
public final class ChapSecrets {
    public static final int SECRET_LENGTH = 16;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String HEX = "0123456789abcdef";

    private final SecureRandom random = new SecureRandom();

    /** A new secret; the caller clears the array when done. */
    public char[] newSecret() {
        char[] secret = new char[SECRET_LENGTH];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return secret;
    }

    /** A new user name: {@code prefix} and 12 hex digits. */
    public String newUser(String prefix) {
        StringBuilder user = new StringBuilder(prefix);
        for (int i = 0; i < 12; i++) {
            user.append(HEX.charAt(random.nextInt(HEX.length())));
        }
        return user.toString();
    }
}

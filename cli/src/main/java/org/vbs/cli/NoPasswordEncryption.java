package org.vbs.cli;

import org.apache.wss4j.common.crypto.PasswordEncryptor;

/**
 * WSS4J makes a Jasypt password encryptor for every signed answer unless it is given one, in case a
 * crypto.properties file holds "ENC(...)" passwords. The CLI has no such file (its key store password
 * is random and in memory, never of that form), so it ships without Jasypt and hands WSS4J this
 * encryptor, which is never used and refuses if it were.
 */
final class NoPasswordEncryption implements PasswordEncryptor {
    @Override
    public String encrypt(String password) {
        throw new UnsupportedOperationException("the VBS client keeps no encrypted passwords");
    }

    @Override
    public String decrypt(String encryptedPassword) {
        throw new UnsupportedOperationException("the VBS client keeps no encrypted passwords");
    }
}

package org.vbs.hosts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.vbs.plugins.spi.HostProcess;

/**
 * A program started by {@link SshHostShell#start}: its stdin and stdout are the exec channel's.
 * {@link #close()} sends EOF (the program's cue to end), waits briefly for the channel to close, then
 * drops it. The channel slot goes back to the shell when the channel closes, whether the program
 * ended by itself or {@link #close()} ended it.
 */
final class SshProcess implements HostProcess {
    private static final Duration EOF_GRACE = Duration.ofSeconds(2);

    private final ChannelExec channel;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();

    SshProcess(ChannelExec channel, Runnable release) {
        this.channel = channel;
        this.release = release;
        channel.addCloseFutureListener(closing -> releaseOnce());
    }

    @Override
    public OutputStream stdin() {
        return channel.getInvertedIn();
    }

    @Override
    public InputStream stdout() {
        return channel.getInvertedOut();
    }

    @Override
    public boolean isAlive() {
        return channel.isOpen() && !channel.isClosing() && channel.getExitStatus() == null
                && channel.getExitSignal() == null;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            channel.getInvertedIn().close();
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), EOF_GRACE.toMillis());
        } catch (IOException e) {
            // The channel is already closing (the program ended): nothing left to tell it.
            return;
        } finally {
            channel.close(true);
            releaseOnce();
        }
    }

    private void releaseOnce() {
        if (released.compareAndSet(false, true)) {
            release.run();
        }
    }
}

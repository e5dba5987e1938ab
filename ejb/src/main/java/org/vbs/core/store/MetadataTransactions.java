package org.vbs.core.store;

import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.NotSupportedException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.infinispan.transaction.WriteSkewException;
import org.jboss.logging.Logger;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.core.cluster.MinoritySide;
import org.vbs.core.domain.Causes;

/**
 * Runs one metadata step in its own short transaction: begin, the step's reads and writes, commit.
 * The storage work of a workflow happens between steps, never inside one (the driver is not
 * transactional, and a transaction must not stay open for the length of a copy).
 *
 * <p>A step that loses a race (a compare-and-set finds a newer version, or the commit fails its
 * write-skew check) is rolled back and run again from the start, so it decides on the current
 * values: it then succeeds, or refuses with the fault the new state calls for. A step never
 * overwrites a change it did not see.
 */
public final class MetadataTransactions {
    /**
     * How often a step is tried before the caller gets a retriable fault. Steps of one owner that
     * write its index entry are serialized on this node ({@link #runForOwner}), so they do not
     * collide; what remains are real races with other requests or nodes, which a few attempts settle.
     */
    static final int ATTEMPTS = 12;
    /**
     * How long a step that records finished storage work keeps being retried: giving up would leave
     * a resource whose storage is done (or gone) recorded as still in progress.
     */
    static final Duration FINISH_PATIENCE = Duration.ofMinutes(10);
    private static final long MAX_PAUSE_MILLIS = 200;
    /**
     * How long a step waits for the caches to end a conflict resolution before the caller is told to
     * retry (ServiceUnavailable); one takes seconds once a dead member's locks are gone.
     */
    static final Duration RESOLUTION_PATIENCE = Duration.ofSeconds(30);
    /**
     * How long a step whose attempts keep losing the write-skew check goes on trying, a second apart, before
     * the caller is told to retry. A joiner whose state transfer brought back an entry the others had removed
     * is that entry's primary owner with a copy no other member holds: the check fails every other node's
     * write of it until the joiner's first scan, which runs once its service has started (48 and 68 s after it
     * joined, in two BalancedClusterIT runs), and the other nodes' scans never see it. Less than the 60 s
     * a SOAP client (CXF's default) waits for an answer, after which it may retry.
     */
    static final Duration STALE_COPY_PATIENCE = Duration.ofSeconds(50);
    private static final long STALE_COPY_PAUSE_MILLIS = 1000;
    private static final long RESOLUTION_POLL_MILLIS = 100;
    /** Lock stripes for owners' index writes: enough that unrelated owners rarely share one. */
    private static final int STRIPES = 256;

    private static final Logger LOG = Logger.getLogger(MetadataTransactions.class);

    private final TransactionManager tm;
    private final BooleanSupplier resolvingConflicts;
    private final BooleanSupplier copiesChecked;
    private final Duration resolutionPatience;
    private final Duration staleCopyPatience;
    private final ReentrantLock[] ownerLocks = new ReentrantLock[STRIPES];

    /** Transactions on caches that never resolve conflicts (a single node, a cache that is not clustered). */
    public MetadataTransactions(TransactionManager tm) {
        this(tm, () -> false, () -> true, RESOLUTION_PATIENCE, Duration.ZERO);
    }

    /**
     * @param resolvingConflicts whether the caches are resolving conflicts now: a step waits until they
     *        are not, because a write committed during a resolution can be undone by it
     *        ({@link org.vbs.core.cluster.ConflictResolution})
     * @param copiesChecked whether this node's copies of the entries are known to be the other members'
     *        ({@link org.vbs.core.cluster.DivergedReplicas#checked()}): until they are, a step that refuses
     *        (a client fault: the volume is in the wrong state, or not found), or whose every attempt lost a
     *        race, may have read a stale copy, so it waits for the check and runs again; a step that then
     *        keeps losing the write-skew check goes on trying for {@link #STALE_COPY_PATIENCE}
     */
    public MetadataTransactions(TransactionManager tm, BooleanSupplier resolvingConflicts,
                                BooleanSupplier copiesChecked) {
        this(tm, resolvingConflicts, copiesChecked, RESOLUTION_PATIENCE, STALE_COPY_PATIENCE);
    }

    MetadataTransactions(TransactionManager tm, BooleanSupplier resolvingConflicts, BooleanSupplier copiesChecked,
                         Duration resolutionPatience) {
        this(tm, resolvingConflicts, copiesChecked, resolutionPatience, resolutionPatience);
    }

    MetadataTransactions(TransactionManager tm, BooleanSupplier resolvingConflicts, BooleanSupplier copiesChecked,
                         Duration resolutionPatience, Duration staleCopyPatience) {
        this.staleCopyPatience = Objects.requireNonNull(staleCopyPatience, "staleCopyPatience");
        this.tm = Objects.requireNonNull(tm, "tm");
        this.resolvingConflicts = Objects.requireNonNull(resolvingConflicts, "resolvingConflicts");
        this.copiesChecked = Objects.requireNonNull(copiesChecked, "copiesChecked");
        this.resolutionPatience = Objects.requireNonNull(resolutionPatience, "resolutionPatience");
        for (int i = 0; i < STRIPES; i++) {
            ownerLocks[i] = new ReentrantLock();
        }
    }

    /**
     * @param step what the step does, with the ids it touches (for logs and faults)
     * @param work the step; it may throw a {@link VbsException} to refuse (the transaction is then
     *        rolled back and nothing it wrote stays)
     */
    public <T> T run(String step, Supplier<T> work) {
        return attempt(step, work, ATTEMPTS, Optional.empty());
    }

    /** For a step that returns nothing. */
    public void run(String step, Runnable work) {
        run(step, () -> {
            work.run();
            return null;
        });
    }

    /**
     * A step that writes {@code owner}'s index entry (a create or a removal). One owner's index is one
     * entry, so this node runs such steps of one owner one at a time instead of letting them collide
     * and retry; the lock is held from begin to commit, never across storage work.
     */
    public <T> T runForOwner(String owner, String step, Supplier<T> work) {
        return attempt(step, work, ATTEMPTS, Optional.of(lockOf(owner)));
    }

    /**
     * A step that records what finished storage work did: retried until it commits or refuses, for up
     * to {@link #FINISH_PATIENCE}, because abandoning it would leave the metadata behind the storage.
     *
     * @param owner the owner whose index the step may write
     */
    public <T> T finish(String owner, String step, Supplier<T> work) {
        long deadline = System.nanoTime() + FINISH_PATIENCE.toNanos();
        for (int round = 1; ; round++) {
            try {
                return attempt(step, work, ATTEMPTS, Optional.of(lockOf(owner)));
            } catch (VbsException e) {
                if (!(e.getCause() instanceof ConcurrentUpdateException) || System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.warnf("%s: still not committed after %d rounds of %d attempts; trying on", step, round, ATTEMPTS);
            }
        }
    }

    private <T> T attempt(String step, Supplier<T> work, int attempts, Optional<ReentrantLock> lock) {
        boolean awaitedCheck = false;
        long staleCopyDeadline = 0;
        for (int attempt = 1; ; attempt++) {
            try {
                lock.ifPresent(ReentrantLock::lock);
                try {
                    return once(step, work);
                } finally {
                    lock.ifPresent(ReentrantLock::unlock);
                }
            } catch (VbsException refusal) {
                if (awaitedCheck || refusal.code().side() != ErrorCode.Side.CLIENT || copiesChecked.getAsBoolean()) {
                    throw refusal;
                }
                // Decided on this node's copy before it was checked against the others' after a change of
                // members (seen: an IncorrectState 'creating' for a volume every other member held available).
                awaitChecked(step, "refused (" + refusal.code().code() + ")", refusal);
                awaitedCheck = true;
            } catch (ConcurrentUpdateException e) {
                if (attempt < attempts) {
                    LOG.debugf("%s: attempt %d lost a race (%s); running it again", step, attempt, e.getMessage());
                    pauseBeforeRetry(step, attempt);
                    continue;
                }
                if (!awaitedCheck && !copiesChecked.getAsBoolean()) {
                    // Every attempt read this node's copy of an entry that a commit it missed left stale (seen after
                    // a rejoin: a survivor's copy of an owner's index), so each lost the primary owner's write-skew
                    // check. The primary owner's scan gives every member its copy; then a new round can commit.
                    awaitChecked(step, "lost every one of its " + attempts + " attempts to write", e);
                    awaitedCheck = true;
                    attempt = 0;
                    continue;
                }
                Optional<WriteSkewException> lostCheck = Causes.find(e, WriteSkewException.class);
                if (lostCheck.isPresent() && staleCopyDeadline == 0 && !staleCopyPatience.isZero()) {
                    LOG.infof("%s: lost the write-skew check on %s in each of %d attempts (a member's copy may be"
                            + " stale until its scan); tries again every second for up to %d s", step,
                            lostCheck.get().getKey(), attempt, staleCopyPatience.toSeconds());
                    staleCopyDeadline = System.nanoTime() + staleCopyPatience.toNanos();
                }
                if (lostCheck.isPresent() && System.nanoTime() < staleCopyDeadline) {
                    pause(step, STALE_COPY_PAUSE_MILLIS);
                    continue;
                }
                throw exhausted(step, attempt, e);
            }
        }
    }

    /**
     * Every attempt lost a race. Lost write-skew checks are the caller's to retry (ServiceUnavailable): nothing
     * was written, and the entries settle (the racing requests end; a stale copy is made current). A step that
     * lost its own compare-and-set every time, although each attempt reads anew, or whose commit kept being
     * rolled back for another reason, failed inside (InternalError).
     */
    private static VbsException exhausted(String step, int attempts, ConcurrentUpdateException last) {
        Optional<WriteSkewException> lostCheck = Causes.find(last, WriteSkewException.class);
        if (lostCheck.isPresent()) {
            LOG.warnf("%s: lost the write-skew check in each of its %d attempts (the last on %s); the caller is told"
                    + " to retry", step, attempts, lostCheck.get().getKey());
            return new VbsException(ErrorCode.SERVICE_UNAVAILABLE, "The request kept conflicting with concurrent"
                    + " changes of the same metadata and was not recorded; nothing was changed. Retry, on this or"
                    + " another node.", last);
        }
        return new VbsException(ErrorCode.INTERNAL_ERROR, "The metadata step '" + step + "' was not committed after "
                + attempts + " attempts (a compare-and-set it lost each time, or a store failure); nothing was"
                + " changed. Last cause: " + Causes.describe(last), last);
    }

    private ReentrantLock lockOf(String owner) {
        return ownerLocks[Math.floorMod(owner.hashCode(), STRIPES)];
    }

    private static void pauseBeforeRetry(String step, int attempt) {
        long bound = Math.min(MAX_PAUSE_MILLIS, 2L << attempt);
        pause(step, ThreadLocalRandom.current().nextLong(1, bound + 1));
    }

    private static void pause(String step, long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VbsException(ErrorCode.INTERNAL_ERROR,
                    "The metadata step '" + step + "' was interrupted while waiting to retry", e);
        }
    }

    /** Whether the calling thread is inside a transaction (the store's writes require one). */
    boolean isActive() {
        try {
            return tm.getTransaction() != null;
        } catch (SystemException e) {
            throw new IllegalStateException("the transaction manager cannot tell the current transaction", e);
        }
    }

    private <T> T once(String step, Supplier<T> work) {
        awaitNoConflictResolution(step);
        begin(step);
        T result;
        try {
            result = work.get();
        } catch (RuntimeException | Error e) {
            rollback(step, e);
            throw e;
        }
        commit(step);
        return result;
    }

    private void awaitNoConflictResolution(String step) {
        if (!resolvingConflicts.getAsBoolean()) {
            return;
        }
        LOG.infof("%s: waits while the metadata caches resolve conflicts after a change of members", step);
        awaitSettled(step, () -> !resolvingConflicts.getAsBoolean(), "resolving conflicts", null);
    }

    private void awaitChecked(String step, String what, RuntimeException cause) {
        LOG.infof("%s: %s before this node's copies of the metadata were checked against the other members' after"
                + " a change of members; runs again once they are", step, what);
        awaitSettled(step, copiesChecked, "checking this node's copies of the metadata against the others'", cause);
    }

    private void awaitSettled(String step, BooleanSupplier settled, String doing, RuntimeException cause) {
        long deadline = System.nanoTime() + resolutionPatience.toNanos();
        while (!settled.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new VbsException(ErrorCode.SERVICE_UNAVAILABLE, "The cluster is still settling after a change"
                        + " of its members (" + doing + " for more than " + resolutionPatience.toSeconds()
                        + " s); nothing was changed. Retry, on this or another node.", cause);
            }
            try {
                Thread.sleep(RESOLUTION_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new VbsException(ErrorCode.INTERNAL_ERROR,
                        "The metadata step '" + step + "' was interrupted while waiting for the cluster to settle", e);
            }
        }
    }

    private void begin(String step) {
        try {
            tm.begin();
        } catch (NotSupportedException e) {
            throw new IllegalStateException("metadata step '" + step + "' must not run inside another transaction", e);
        } catch (SystemException e) {
            throw new VbsException(ErrorCode.INTERNAL_ERROR,
                    "Could not begin a metadata transaction for '" + step + "': " + e.getMessage(), e);
        }
    }

    private void commit(String step) {
        try {
            tm.commit();
        } catch (RollbackException e) {
            if (MinoritySide.causedBy(e)) {
                // Not a race: trying again cannot help until the partition has healed.
                throw MinoritySide.refusal(e);
            }
            // A write-skew conflict or a value the cache could not store: either way nothing was written.
            throw new ConcurrentUpdateException("commit of '" + step + "' was rolled back: " + Causes.describe(e), e);
        } catch (HeuristicMixedException | HeuristicRollbackException | SystemException e) {
            throw new VbsException(ErrorCode.INTERNAL_ERROR,
                    "The metadata step '" + step + "' ended in an unknown state: " + Causes.describe(e), e);
        }
    }

    private void rollback(String step, Throwable failure) {
        try {
            tm.rollback();
        } catch (SystemException | IllegalStateException e) {
            LOG.errorf(e, "%s: rolling back after a failure also failed", step);
            failure.addSuppressed(e);
        }
    }
}

// thread_pool.hpp — a fixed team of threads, created once, and the barrier they meet at.
//
// Training on mini-batches of 50 images gives each thread only ~0.1 ms of arithmetic per batch,
// so what matters is how often the threads must wait for each other, and how fast they wake:
//   ThreadPool::run(job, team)  runs job(t) on threads t = 0…team−1 (t = 0 is the caller; all
//                               threads unless told fewer) and returns when all are done — one
//                               call per epoch, not per batch; a team of one runs on the caller
//                               alone, and the other threads sleep;
//   ThreadPool::barrier(t)      inside a job: thread t waits until the whole team has arrived —
//                               the trainer meets twice per batch (trainer.hpp, Trainer).
//
// How a thread waits at the barrier. Polling (reading the barrier's phase again and again) sees
// the last arrival within a fraction of a microsecond; sleeping (C++20 std::atomic::wait, a
// futex on Linux) frees the core, but the sleeper takes tens of microseconds to wake. Polling
// pays only while the thread waited for is running: on a machine with more busy threads than
// cores it may sit in the scheduler's queue for a whole time slice (milliseconds), and a poller
// then only takes the core from it, or from the program that shares the core. So each thread
// polls for a time of its own, `spin`, then sleeps, and learns from how long the others took
// to arrive (the gap between its own arrival and the last one):
//   a gap within the longest poll (kMaxSpin)  the others were running: polling for twice that
//                                             gap would have caught it, so spin ≥ 2·gap;
//   a longer gap                              someone was not running: halve spin (down to
//                                             kMinSpin), so that on a busy machine a waiting
//                                             thread stops polling after a few microseconds.
// On an idle machine the gaps are the few microseconds by which the threads' shares of a step
// differ, and every wait ends while polling.
//
// Jobs must not throw (the chapter's jobs are arithmetic on buffers sized in advance).
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <thread>
#include <utility>
#include <vector>

namespace ch4 {

// A reusable barrier for a fixed number of threads t = 0…count−1 (sense reversal by a phase
// counter), each with its own adaptive polling time.
class Barrier {
public:
    explicit Barrier(std::size_t count) : count_(count), threads_(count) {}

    // Only while no thread is waiting (between two runs of the pool): the next phases count n
    // threads, n ≤ the count the barrier was made with.
    void set_count(std::size_t n) { count_ = n; }

    void arrive_and_wait(std::size_t t) {
        const std::uint32_t phase = phase_.load(std::memory_order_acquire);
        const std::int64_t arrived_at = now();
        if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == count_) {
            // The last to arrive opens the next phase and wakes the sleepers.
            arrived_.store(0, std::memory_order_relaxed);
            last_arrival_.store(arrived_at, std::memory_order_relaxed);
            phase_.fetch_add(1, std::memory_order_release);
            phase_.notify_all();
            return;
        }
        PerThread& mine = threads_[t];
        for (unsigned poll = 1;; ++poll) {
            if (phase_.load(std::memory_order_acquire) != phase) return learn(mine, now() - arrived_at);
            if (poll % 64 == 0 && now() - arrived_at > mine.spin) break;
        }
        while (phase_.load(std::memory_order_acquire) == phase) phase_.wait(phase, std::memory_order_acquire);
        learn(mine, last_arrival_.load(std::memory_order_relaxed) - arrived_at);
    }

private:
    // Polling times, in nanoseconds. kMaxSpin: longer than the imbalance between threads in a
    // step of SGD, much shorter than a time slice. kMinSpin: a few round trips of a cache line
    // between cores.
    static constexpr std::int64_t kMinSpin = 2'000, kMaxSpin = 200'000, kFirstSpin = 50'000;

    struct alignas(64) PerThread {   // one cache line each: written by its own thread only
        std::int64_t spin = kFirstSpin;
    };

    static std::int64_t now() {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch()).count();
    }
    // The others took `gap` to arrive after this thread: adapt its polling time (see the top).
    static void learn(PerThread& mine, std::int64_t gap) {
        if (gap <= kMaxSpin)
            mine.spin = std::min(kMaxSpin, std::max(mine.spin, 2 * gap));
        else
            mine.spin = std::max(kMinSpin, mine.spin / 2);
    }

    std::size_t count_;
    std::vector<PerThread> threads_;
    std::atomic<std::size_t> arrived_{0};
    std::atomic<std::uint32_t> phase_{0};
    std::atomic<std::int64_t> last_arrival_{0};   // when the last thread of the latest phase arrived
};

class ThreadPool {
public:
    // `threads` ≥ 1 threads in all: the caller and threads − 1 workers started here, once.
    explicit ThreadPool(std::size_t threads)
        : size_(threads < 1 ? 1 : threads), start_(size_), team_barrier_(size_) {
        for (std::size_t t = 1; t < size_; ++t)
            workers_.emplace_back([this, t] {
                while (true) {
                    start_.arrive_and_wait(t);   // wait for run() to post a job (or for shutdown)
                    if (stop_) return;
                    if (t < team_) (*job_)(t);
                    start_.arrive_and_wait(t);   // job done
                }
            });
    }
    ~ThreadPool() {
        stop_ = true;
        if (size_ > 1) start_.arrive_and_wait(0);
        for (auto& w : workers_) w.join();
    }
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    std::size_t size() const { return size_; }

    // job(t) on threads t = 0 … team−1 (team = 0: all size() threads); returns when all have
    // finished. A team of one is the calling thread alone: the workers are not woken.
    void run(const std::function<void(std::size_t)>& job, std::size_t team = 0) {
        team_ = team == 0 ? size_ : std::min(team, size_);
        if (team_ == 1) return job(0);   // barrier() then does nothing
        job_ = &job;
        team_barrier_.set_count(team_);
        start_.arrive_and_wait(0);   // start
        job(0);
        start_.arrive_and_wait(0);   // finish
    }

    // Inside a job: thread t waits here until every thread of the team has arrived.
    void barrier(std::size_t t) {
        if (team_ > 1) team_barrier_.arrive_and_wait(t);
    }

private:
    const std::size_t size_;
    Barrier start_;          // all threads: the start and the end of a job
    Barrier team_barrier_;   // the team of the current job
    // Written by run() before the start barrier, read after it: the barrier orders the two.
    const std::function<void(std::size_t)>* job_ = nullptr;
    std::size_t team_ = 1;
    bool stop_ = false;
    std::vector<std::thread> workers_;
};

// Thread t's share [begin, end) of `units` items cut into near-equal contiguous ranges.
inline std::pair<std::size_t, std::size_t> share(std::size_t units, std::size_t t, std::size_t threads) {
    return {units * t / threads, units * (t + 1) / threads};
}

}  // namespace ch4

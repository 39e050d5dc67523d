// thread_pool.hpp — a fixed team of threads, created once, and the barrier they meet at.
//
// Training on mini-batches of 50 images gives each thread only ~0.1 ms of arithmetic per batch,
// so what matters is how often the threads must wait for each other, and how fast they wake:
//   ThreadPool::run(job)   runs job(t) on every thread t = 0…n−1 (t = 0 is the caller) and
//                          returns when all are done — one call per epoch, not per batch;
//   ThreadPool::barrier()  inside a job: wait until all n threads have arrived — the trainer
//                          meets twice per batch (trainer.hpp, Trainer).
// The barrier polls for up to 200 µs before it sleeps (C++20 std::atomic::wait, a futex on
// Linux): a woken sleeper costs tens of microseconds, a polling thread well under one.
//
// Jobs must not throw (the chapter's jobs are arithmetic on buffers sized in advance).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <thread>
#include <utility>
#include <vector>

namespace ch4 {

// A reusable barrier for a fixed number of threads (sense reversal by a phase counter).
class Barrier {
public:
    explicit Barrier(std::size_t count) : count_(count) {}

    void arrive_and_wait() {
        const std::uint32_t phase = phase_.load(std::memory_order_acquire);
        if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == count_) {
            // The last to arrive opens the next phase and wakes the sleepers.
            arrived_.store(0, std::memory_order_relaxed);
            phase_.fetch_add(1, std::memory_order_release);
            phase_.notify_all();
            return;
        }
        const auto give_up = std::chrono::steady_clock::now() + kSpin;
        for (unsigned spin = 1;; ++spin) {
            if (phase_.load(std::memory_order_acquire) != phase) return;
            if (spin % 256 == 0 && std::chrono::steady_clock::now() > give_up) break;
        }
        while (phase_.load(std::memory_order_acquire) == phase)
            phase_.wait(phase, std::memory_order_acquire);
    }

private:
    // How long to poll before sleeping: longer than the imbalance between threads in a step of
    // SGD (a sleeper takes tens of microseconds to wake, more on a virtual machine), much
    // shorter than a time slice, so an oversubscribed machine still makes progress.
    static constexpr std::chrono::microseconds kSpin{200};
    const std::size_t count_;
    std::atomic<std::size_t> arrived_{0};
    std::atomic<std::uint32_t> phase_{0};
};

class ThreadPool {
public:
    // `threads` ≥ 1 threads in all: the caller and threads − 1 workers started here, once.
    explicit ThreadPool(std::size_t threads) : size_(threads < 1 ? 1 : threads), sync_(size_) {
        for (std::size_t t = 1; t < size_; ++t)
            workers_.emplace_back([this, t] {
                while (true) {
                    sync_.arrive_and_wait();   // wait for run() to post a job (or for shutdown)
                    if (stop_) return;
                    (*job_)(t);
                    sync_.arrive_and_wait();   // job done
                }
            });
    }
    ~ThreadPool() {
        stop_ = true;
        if (size_ > 1) sync_.arrive_and_wait();
        for (auto& w : workers_) w.join();
    }
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    std::size_t size() const { return size_; }

    // job(t) on every thread t = 0 … size()−1; returns when all have finished.
    void run(const std::function<void(std::size_t)>& job) {
        job_ = &job;
        if (size_ > 1) sync_.arrive_and_wait();   // start
        job(0);
        if (size_ > 1) sync_.arrive_and_wait();   // finish
    }

    // Inside a job: every thread waits here until all have arrived.
    void barrier() {
        if (size_ > 1) sync_.arrive_and_wait();
    }

private:
    const std::size_t size_;
    Barrier sync_;
    const std::function<void(std::size_t)>* job_ = nullptr;
    bool stop_ = false;   // written before a barrier, read after it: the barrier orders the two
    std::vector<std::thread> workers_;
};

// Thread t's share [begin, end) of `units` items cut into near-equal contiguous ranges.
inline std::pair<std::size_t, std::size_t> share(std::size_t units, std::size_t t, std::size_t threads) {
    return {units * t / threads, units * (t + 1) / threads};
}

}  // namespace ch4

// runAsync: the GUI's one way to run work off the GUI thread. `work` runs in a pool thread and must not
// touch QObjects (give it copies or shared immutable data); `done` receives its result on the thread of
// `context` (the GUI thread) and is never called once `context` is destroyed. The watcher that delivers
// the result belongs to `context` and deletes itself. Exceptions thrown by `work` are the caller's to
// catch inside `work`: a result type with an error field says what went wrong (an exception escaping a
// worker would end the program).
#pragma once
#include <QFutureWatcher>
#include <QObject>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <type_traits>
#include <utility>

namespace zm::ui {

/// Runs `work()` in `pool` (nullptr: the global pool) and calls `done(result)` on `context`'s thread.
/// Returns the watcher (owned by `context`; it deletes itself after `done`), e.g. to wait on it in tests.
template <typename Work, typename Done> auto runAsync(QObject* context, QThreadPool* pool, Work&& work, Done&& done)
{
    using Result = std::invoke_result_t<std::decay_t<Work>>;
    static_assert(!std::is_void_v<Result>, "runAsync: the work returns what `done` receives");
    auto* watcher = new QFutureWatcher<Result>(context);
    QObject::connect(watcher, &QFutureWatcher<Result>::finished, context,
                     [watcher, done = std::forward<Done>(done)]() mutable {
                         watcher->deleteLater();
                         // Moved out, not copied: results are often images or encodings of tens of MB.
                         done(watcher->future().takeResult());
                     });
    watcher->setFuture(pool ? QtConcurrent::run(pool, std::forward<Work>(work))
                            : QtConcurrent::run(std::forward<Work>(work)));
    return watcher;
}

} // namespace zm::ui

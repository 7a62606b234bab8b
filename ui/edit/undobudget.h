// UndoBudget: a memory cap for one document's undo history. QUndoStack only limits the number of
// steps (and only while empty), so this counts the compressed bytes of the stack's LabelEditCommands
// after every change and, past the cap, drops the oldest steps until the history is back under 3/4 of
// the cap. Dropping rebuilds the stack: the remaining commands are re-pushed inert (the document is
// already in the right state), the current index and the clean (saved) point are kept. Steps the
// person undid (the redo side) and the newest step are never dropped.
#pragma once
#include <QObject>

#include <cstddef>

class QUndoStack;

namespace zm::ui {

class UndoBudget : public QObject {
    Q_OBJECT
public:
    static constexpr std::size_t kDefaultCap = 64u << 20;
    /// Cap of every ImageDocument created from now on (each document owns one UndoBudget).
    static std::size_t defaultCap();
    static void setDefaultCap(std::size_t capBytes);

    UndoBudget(QUndoStack* stack, std::size_t capBytes = kDefaultCap, QObject* parent = nullptr);

    void setCap(std::size_t capBytes);
    std::size_t cap() const { return mCap; }
    /// Bytes the history holds now.
    std::size_t bytes() const;
    /// Steps dropped so far (for the status bar and tests).
    std::size_t droppedSteps() const { return mDropped; }
    /// Applies the cap now (also runs after every change of the stack).
    void enforce();

Q_SIGNALS:
    void stepsDropped(int count);

private:
    QUndoStack* mStack;
    std::size_t mCap;
    std::size_t mDropped = 0;
    bool mBusy = false;
};

} // namespace zm::ui

// UndoBudget implementation: measure, then rebuild the stack without its oldest steps.
#include "ui/edit/undobudget.h"

#include "ui/edit/labeleditcommand.h"

#include <QUndoStack>

#include <vector>

namespace zm::ui {

namespace {
std::size_t gDefaultCap = UndoBudget::kDefaultCap; // GUI thread only

std::size_t commandBytes(const QUndoCommand* c)
{
    const auto* e = dynamic_cast<const LabelEditCommand*>(c);
    return e ? e->bytes() : sizeof(QUndoCommand);
}
} // namespace

std::size_t UndoBudget::defaultCap() { return gDefaultCap; }
void UndoBudget::setDefaultCap(std::size_t capBytes) { gDefaultCap = capBytes; }

UndoBudget::UndoBudget(QUndoStack* stack, std::size_t capBytes, QObject* parent)
    : QObject(parent), mStack(stack), mCap(capBytes)
{
    // Queued: never rebuild the stack from inside its own push() (a merge may still be under way).
    connect(mStack, &QUndoStack::indexChanged, this, &UndoBudget::enforce, Qt::QueuedConnection);
}

void UndoBudget::setCap(std::size_t capBytes)
{
    mCap = capBytes;
    enforce();
}

std::size_t UndoBudget::bytes() const
{
    std::size_t total = 0;
    for (int i = 0; i < mStack->count(); ++i)
        total += commandBytes(mStack->command(i));
    return total;
}

void UndoBudget::enforce()
{
    if (mBusy)
        return;
    std::size_t total = bytes();
    if (total <= mCap)
        return;
    const int count = mStack->count();
    const int index = mStack->index();
    const std::size_t target = mCap / 4 * 3;
    int drop = 0;
    // Only applied steps (below the index) may go, and the newest applied step always stays.
    while (drop < index - 1 && total > target)
        total -= commandBytes(mStack->command(drop++));
    if (drop == 0)
        return;

    // Only LabelEditCommands can be re-created; anything else ends the droppable range.
    for (int i = drop; i < count; ++i)
        if (!dynamic_cast<const LabelEditCommand*>(mStack->command(i)))
            return;

    mBusy = true;
    const int clean = mStack->cleanIndex();
    std::vector<LabelEditCommand*> keep;
    for (int i = drop; i < count; ++i)
        keep.push_back(static_cast<const LabelEditCommand*>(mStack->command(i))->cloneShared());
    LabelEditCommand::setInert(true);
    mStack->clear();
    const int newClean = clean - drop;
    bool cleanSet = false;
    if (newClean == 0) {
        mStack->setClean();
        cleanSet = true;
    }
    for (auto* c : keep) {
        mStack->push(c);
        if (mStack->index() == newClean) {
            mStack->setClean();
            cleanSet = true;
        }
    }
    mStack->setIndex(index - drop);
    LabelEditCommand::setInert(false);
    if (!cleanSet)
        mStack->resetClean(); // the saved state was among the dropped steps: it is out of reach now
    mDropped += std::size_t(drop);
    mBusy = false;
    Q_EMIT stepsDropped(drop);
}

} // namespace zm::ui

// Merge ids of every undo command in ZeroMask, in one place so that no two kinds collide.
#pragma once

namespace zm::ui {

enum UndoId {
    UndoIdNone = -1,   ///< commands that never merge
    UndoIdStroke = 1,  ///< brush / eraser: the segments of one stroke merge into one step
};

} // namespace zm::ui

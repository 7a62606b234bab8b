// Merging classes keeps confirmed pixels' identity; import is one undo step that refuses a wrong size.
#include "ui/document/imagedocument.h"
#include "ui/edit/classedits.h"

#include "core/common/error.h"

#include <QUndoStack>
#include <gtest/gtest.h>

using namespace zm;
using namespace zm::ui;

TEST(ClassEdits, MergeKeepsConfirmedPixelsAsTheMergedClassAndUndoes)
{
    ImageDocument doc(QStringLiteral("a.png"));
    doc.setImage(Image(4, 1, 3));
    LabelMap pred(4, 1, 1);
    pred.at(3, 0) = 2;
    doc.setPrediction(pred, {});
    doc.applyLabels(QRect(0, 0, 2, 1), {2, 3}, {1, 1}); // people set class 2 and class 3
    ASSERT_TRUE(remapClasses(doc, {{2, 5}}));           // merge class 2 into class 5
    EXPECT_EQ(doc.labels().at(0, 0), 5);
    EXPECT_EQ(doc.confirmed()[0], 1);
    EXPECT_EQ(doc.labels().at(1, 0), 3);
    EXPECT_EQ(doc.labels().at(3, 0), 5); // the prediction follows the merge
    // A re-prediction cannot undo a person's merged pixel.
    doc.setPrediction(LabelMap(4, 1, 1), {});
    EXPECT_EQ(doc.labels().at(0, 0), 5);
    doc.undoStack()->undo();
    EXPECT_EQ(doc.labels().at(0, 0), 2);
    // Deleting a class hands its confirmed pixels back to the model.
    ASSERT_TRUE(remapClasses(doc, {{3, LabelMap::kVoid}}));
    EXPECT_EQ(doc.confirmed()[1], 0);
    EXPECT_EQ(doc.labels().at(1, 0), 1);
}

TEST(ClassEdits, ImportConfirmsNonVoidPixelsAsOneStep)
{
    ImageDocument doc(QStringLiteral("a.png"));
    doc.setImage(Image(3, 2, 3));
    doc.setPrediction(LabelMap(3, 2, 1), {});
    LabelMap imported(3, 2);
    imported.at(0, 0) = 7;
    imported.at(2, 1) = 8;
    EXPECT_EQ(importLabels(doc, imported, QStringLiteral("x.png")), 2u);
    EXPECT_EQ(doc.labels().at(0, 0), 7);
    EXPECT_EQ(doc.labels().at(2, 1), 8);
    EXPECT_EQ(doc.labels().at(1, 0), 1);
    EXPECT_EQ(doc.confirmed()[1], 0);
    EXPECT_EQ(doc.undoStack()->count(), 1);
    doc.undoStack()->undo();
    EXPECT_EQ(doc.labels().at(0, 0), 1);
    try {
        importLabels(doc, LabelMap(4, 2, 0), QStringLiteral("wrong.png"));
        FAIL() << "a wrong size must be refused";
    } catch (const zm::Error& e) {
        EXPECT_NE(std::string(e.what()).find("wrong.png"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("4x2"), std::string::npos);
    }
    EXPECT_EQ(doc.undoStack()->count(), 1);
}

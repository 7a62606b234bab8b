// Statistics: per-class counts, folder totals, share of the prediction people changed, CSV.
#include "core/io/statistics.h"

#include <gtest/gtest.h>

using namespace zm;

TEST(Statistics, CountsAndChangedShare)
{
    AnnotationState s = stateFromPrediction(LabelMap(4, 1, 0)); // predicted: all class 0
    s = paint(s, {1, 1, 0, 0}, 1);                            // two pixels changed to 1
    s = paint(s, {0, 0, 1, 0}, 0);                            // one confirmed, same as predicted
    s.labels.ids[3] = LabelMap::kVoid;
    s.predicted.ids[3] = LabelMap::kVoid;
    const LabelStats st = computeStats("a.png", s);
    EXPECT_EQ(st.pixels, 4u);
    EXPECT_EQ(st.counts.at(1), 2u);
    EXPECT_EQ(st.counts.at(0), 1u);
    EXPECT_EQ(st.counts.at(LabelMap::kVoid), 1u);
    EXPECT_EQ(st.confirmed, 3u);
    EXPECT_EQ(st.changed, 2u);
    EXPECT_DOUBLE_EQ(st.changedShare(), 0.5);
}

TEST(Statistics, FolderTotalsAndCsv)
{
    const ClassTable t = ClassTable::fromTyped({"cat", "dog"});
    const LabelStats a = computeStats("a.png", LabelMap(2, 2, 0));
    const LabelStats b = computeStats("b,1.png", LabelMap(3, 1, 1));
    const LabelStats all = totalStats({a, b});
    EXPECT_EQ(all.pixels, 7u);
    EXPECT_EQ(all.counts.at(0), 4u);
    EXPECT_EQ(all.counts.at(1), 3u);
    const std::string csv = classCountsCsv({a, b}, t);
    EXPECT_EQ(csv, "image,class_id,class_name,pixels,share\n"
                   "a.png,0,cat,4,1.000000\n"
                   "\"b,1.png\",1,dog,3,1.000000\n"
                   "ALL,0,cat,4,0.571429\n"
                   "ALL,1,dog,3,0.428571\n");
    EXPECT_NE(editsCsv({a, b}).find("ALL,7,0,0,0.000000"), std::string::npos);
}

// StampScenes tables (see stampclasses.h): the built-in class -> stamp table, its parser, the preset
// class groups and the background photos.
#include "core/data/stampclasses.h"

#include "core/common/error.h"
#include "core/common/strings.h"

#include <algorithm>
#include <set>

namespace zm {

const std::string& builtinStampTable()
{
    // Photo cut-outs of tuxpaint-stamps-default 2022.06.04-1 (GPL-2+), relative to /usr/share/tuxpaint/stamps.
    // Classes with 4 or more stamps keep about a quarter of them for test scenes only ("test") and the rest
    // for training ("train"); classes with 3 stamps use all of them in both splits ("both").
    static const std::string table = R"(# class	use	path (relative to the stamps folder)
cow	train	animals/mammals/bovines/bull.png
cow	train	animals/mammals/bovines/cow_white.png
cow	train	animals/mammals/bovines/zebu.png
cow	test	animals/mammals/bovines/cow.png
pig	train	animals/mammals/pig.png
pig	train	animals/mammals/pig_golden2.png
pig	train	animals/mammals/wildboar.png
pig	test	animals/mammals/pig_golden.png
deer	train	animals/mammals/deer/caribou.png
deer	train	animals/mammals/deer/deer.png
deer	train	animals/mammals/deer/wapiti.png
deer	test	animals/mammals/deer/doe.png
rabbit	both	animals/mammals/rodents/rabbit.png
rabbit	both	animals/mammals/rodents/rabbit-2.png
rabbit	both	animals/mammals/rabbit_little.png
chicken	both	animals/birds/chicken_profile.png
chicken	both	animals/birds/hen.png
chicken	both	animals/birds/rooster.png
monkey	both	animals/mammals/apes/chimp.png
monkey	both	animals/mammals/apes/gorilla.png
monkey	both	animals/mammals/apes/tamarin_emperor.png
fish	train	animals/fish/butterflyfish.png
fish	train	animals/fish/clownfish.png
fish	train	animals/fish/coraltrout.png
fish	train	animals/fish/dolphinfish.png
fish	train	animals/fish/bluegroper.png
fish	test	animals/fish/lionfish.png
fish	test	animals/fish/moonwrasse.png
insect	train	animals/insects/grasshopper.png
insect	train	animals/insects/hornet.png
insect	train	animals/insects/mantis.png
insect	train	animals/insects/xanthia.png
insect	test	animals/insects/hoverfly.png
antelope	train	animals/mammals/bovines/gnu-stand.png
antelope	train	animals/mammals/bovines/gnu-baby.png
antelope	train	animals/mammals/bovines/gnu-baby-stand.png
antelope	train	animals/mammals/bovines/indian_blackbuck.png
antelope	test	animals/mammals/bovines/gnu-sitting.png
rodent	train	animals/mammals/rodents/mouse.png
rodent	train	animals/mammals/rodents/squirrel.png
rodent	train	animals/mammals/rodents/marmot.png
rodent	train	animals/mammals/rodents/capybara.png
rodent	test	animals/mammals/rodents/rat.png
rodent	test	animals/mammals/rodents/beaver.png
duck	both	animals/birds/duck.png
duck	both	animals/birds/drake.png
duck	both	animals/birds/gander.png
penguin	both	animals/birds/penguin.png
penguin	both	animals/birds/little-penguin.png
penguin	both	animals/birds/magellanic_penguin.png
car	train	vehicles/auto/beetle.png
car	train	vehicles/auto/sedan.png
car	train	vehicles/race/indycar.png
car	test	vehicles/auto/sportscar2.png
apple	train	food/fruit/apple_fuji.png
apple	train	food/fruit/apple_granny_smith.png
apple	train	food/fruit/apple_green.png
apple	train	food/fruit/apple_sierra_beauty.png
apple	test	food/fruit/apple_red.png
guitar	train	hobbies/music/string/guitar2.png
guitar	train	hobbies/music/string/guitar_classical.png
guitar	train	hobbies/music/string/guitar_electric_bass.png
guitar	test	hobbies/music/string/guitar_electric.png
ball	train	sports/basketball.png
ball	train	sports/soccer.png
ball	train	sports/cricketball.png
ball	train	sports/australian_rules_football.png
ball	test	sports/tennis_ball.png
ball	test	sports/football.png
flower	train	plants/flowers/daffodil.png
flower	train	plants/flowers/anemone_red.png
flower	train	plants/flowers/marigold.png
flower	train	plants/flowers/rose.png
flower	train	plants/flowers/iris.png
flower	train	plants/flowers/whitestar-petunia.png
flower	train	plants/flowers/pigface.png
flower	train	plants/flowers/adeenia.png
flower	test	plants/flowers/red-gazania.png
flower	test	plants/flowers/yellow-flower.png
mushroom	train	plants/mushrooms/cep.png
mushroom	train	plants/mushrooms/cep-2.png
mushroom	train	food/vegetables/mushroom.png
mushroom	test	plants/mushrooms/cep-1.png
nut	train	food/nuts/almond.png
nut	train	food/nuts/walnut.png
nut	train	food/nuts/walnut_shelled.png
nut	test	food/nuts/pecan.png
garbage can	both	household/garbagecan.png
garbage can	both	household/wheelie_bin.png
garbage can	both	household/home_compost_bin.png
truck	train	vehicles/auto/truck.png
truck	train	vehicles/emergency/firetruck.png
truck	train	vehicles/construction/dumper.png
truck	test	vehicles/garbagetruck.png
orange	train	food/fruit/orange.png
orange	train	food/fruit/orange_seville.png
orange	train	food/fruit/sliced_orange.png
orange	test	food/fruit/mandarine.png
drum	both	hobbies/music/percussion/drum_tomtom_floor.png
drum	both	hobbies/music/percussion/drumkit.png
drum	both	hobbies/music/percussion/cymbal_crash.png
tank	both	military/vehicles/bradley.png
tank	both	military/vehicles/infantry-stryker.png
tank	both	military/vehicles/ww2_german_gun.png
)";
    return table;
}

std::vector<StampTableEntry> parseStampTable(const std::string& text, const std::string& origin)
{
    std::vector<StampTableEntry> out;
    const auto lines = split(text, '\n', false);
    std::set<std::string> paths;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const int lineNo = int(i) + 1;
        std::string line = lines[i];
        if (const auto hash = line.find('#'); hash != std::string::npos)
            line.erase(hash);
        if (trim(line).empty())
            continue;
        // Fields: tabs, or runs of two or more spaces (single spaces belong to a class name).
        std::vector<std::string> fields;
        std::string cur;
        for (std::size_t k = 0; k <= line.size(); ++k) {
            const bool end = k == line.size();
            const bool sep = !end && (line[k] == '\t' || (line[k] == ' ' && k + 1 < line.size() && line[k + 1] == ' '));
            if (end || sep) {
                if (!trim(cur).empty())
                    fields.push_back(trim(cur));
                cur.clear();
                if (sep)
                    while (k + 1 < line.size() && (line[k + 1] == ' ' || line[k + 1] == '\t'))
                        ++k;
            } else {
                cur.push_back(line[k]);
            }
        }
        const std::string where = origin + ":" + std::to_string(lineNo) + ": ";
        if (fields.size() != 3)
            throw Error(where + "expected 3 fields (class, use, path) separated by tabs, got " +
                        std::to_string(fields.size()) + ": '" + trim(lines[i]) + "'");
        StampTableEntry e;
        e.className = fields[0];
        e.path = fields[2];
        e.line = lineNo;
        const std::string use = toLowerAscii(fields[1]);
        if (use == "both")
            e.use = StampUse::Both;
        else if (use == "train")
            e.use = StampUse::Train;
        else if (use == "test")
            e.use = StampUse::Test;
        else
            throw Error(where + "use '" + fields[1] + "' must be train, test or both");
        if (e.className == "background")
            throw Error(where + "'background' is the class of the photos behind the stamps; choose another name");
        if (e.path.front() == '/' || e.path.find("..") != std::string::npos)
            throw Error(where + "path '" + e.path + "' must be relative to the stamps folder, without '..'");
        if (!paths.insert(e.path).second)
            throw Error(where + "path '" + e.path + "' is listed twice");
        out.push_back(std::move(e));
    }
    if (out.empty())
        throw Error(origin + ": the stamp table lists no stamp");
    return out;
}

std::vector<std::string> stampTableClassNames(const std::vector<StampTableEntry>& table)
{
    std::vector<std::string> names = {"background"};
    for (const auto& e : table)
        if (std::find(names.begin(), names.end(), e.className) == names.end())
            names.push_back(e.className);
    return names;
}

std::vector<std::string> stampSceneClassNames()
{
    static const std::vector<std::string> names =
        stampTableClassNames(parseStampTable(builtinStampTable(), "built-in stamp table"));
    return names;
}

const std::vector<std::string>& stampAnimalsSeen()
{
    static const std::vector<std::string> v = {"cow", "pig", "deer", "rabbit", "chicken", "monkey", "fish", "insect"};
    return v;
}
const std::vector<std::string>& stampAnimalsUnseen()
{
    static const std::vector<std::string> v = {"antelope", "rodent", "duck", "penguin"};
    return v;
}
const std::vector<std::string>& stampObjectsSeen()
{
    static const std::vector<std::string> v = {"car",    "apple",    "guitar", "ball",
                                               "flower", "mushroom", "nut",    "garbage can"};
    return v;
}
const std::vector<std::string>& stampObjectsUnseen()
{
    static const std::vector<std::string> v = {"truck", "orange", "drum", "tank"};
    return v;
}
const std::vector<std::string>& stampSeenVal()
{
    static const std::vector<std::string> v = {"pig", "ball"};
    return v;
}

const std::vector<StampBackgroundSource>& stampSystemBackgrounds()
{
    // Real photographs with none of the 24 classes in them (checked by eye). Left out on purpose: photos of
    // fruit, animals, flowers, balls or vehicles (apple, orange, fruits, baboon, butterfly, squirrel_cls,
    // messi5, chelsea, motorcycle_*), drawings and graffiti (graf1/3 show a cartoon rooster), logos, charts.
    static const std::vector<StampBackgroundSource> s = {
        {"/usr/share/doc/opencv-doc/examples/data/building.jpg", StampUse::Train},
        {"/usr/share/doc/opencv-doc/examples/data/home.jpg", StampUse::Train},
        {"/usr/share/doc/opencv-doc/examples/data/leuvenA.jpg", StampUse::Train},
        {"/usr/share/doc/opencv-doc/examples/data/leuvenB.jpg", StampUse::Train},
        {"/usr/share/doc/opencv-doc/examples/data/board.jpg", StampUse::Train},
        {"/usr/share/doc/opencv-doc/examples/data/aloeL.jpg", StampUse::Train},
        {"/usr/share/doc/opencv-doc/examples/data/aloeR.jpg", StampUse::Train},
        {"/usr/lib/python3/dist-packages/skimage/data/grass.png", StampUse::Train},
        {"/usr/lib/python3/dist-packages/skimage/data/gravel.png", StampUse::Train},
        {"/usr/lib/python3/dist-packages/skimage/data/rocket.jpg", StampUse::Train},
        {"/usr/lib/python3/dist-packages/skimage/data/camera.png", StampUse::Train},
        {"/usr/share/doc/opencv-doc/examples/data/aero1.jpg", StampUse::Test},
        {"/usr/share/doc/opencv-doc/examples/data/aero3.jpg", StampUse::Test},
        {"/usr/share/doc/opencv-doc/examples/data/ela_original.jpg", StampUse::Test},
        {"/usr/lib/python3/dist-packages/skimage/data/coffee.png", StampUse::Test},
        {"/usr/lib/python3/dist-packages/skimage/data/brick.png", StampUse::Test},
        {"/usr/lib/python3/dist-packages/skimage/data/astronaut.png", StampUse::Test},
    };
    return s;
}

const std::vector<StampBackgroundSource>& stampWallpaperBackgrounds()
{
    // The photographs among the Plasma and MATE wallpapers (Debian plasma-workspace-wallpapers and
    // mate-backgrounds; checked by eye). Left out: flowers (FreshFlower, Garden, YellowFlower), insects
    // (LadyBird, TwoWings) and every illustration or abstract render.
    static const std::vector<StampBackgroundSource> s = {
        {"/usr/share/backgrounds/mate/nature/Blinds.jpg", StampUse::Train},
        {"/usr/share/backgrounds/mate/nature/Dune.jpg", StampUse::Train},
        {"/usr/share/backgrounds/mate/nature/GreenMeadow.jpg", StampUse::Train},
        {"/usr/share/backgrounds/mate/nature/RainDrops.jpg", StampUse::Train},
        {"/usr/share/backgrounds/mate/nature/Wood.jpg", StampUse::Train},
        {"/usr/share/wallpapers/BytheWater/contents/images/2560x1600.jpg", StampUse::Train},
        {"/usr/share/wallpapers/ColorfulCups/contents/images/2560x1600.jpg", StampUse::Train},
        {"/usr/share/wallpapers/DarkestHour/contents/images/2560x1600.jpg", StampUse::Train},
        {"/usr/share/wallpapers/EveningGlow/contents/images/2560x1600.jpg", StampUse::Train},
        {"/usr/share/wallpapers/FallenLeaf/contents/images/2560x1600.jpg", StampUse::Train},
        {"/usr/share/wallpapers/Grey/contents/images/2560x1600.jpg", StampUse::Train},
        {"/usr/share/wallpapers/Kite/contents/images/2560x1600.jpg", StampUse::Train},
        {"/usr/share/wallpapers/Path/contents/images/2560x1600.jpg", StampUse::Train},
        {"/usr/share/wallpapers/summer_1am/contents/images/2560x1600.jpg", StampUse::Train},
        {"/usr/share/backgrounds/mate/nature/Aqua.jpg", StampUse::Test},
        {"/usr/share/backgrounds/mate/nature/Storm.jpg", StampUse::Test},
        {"/usr/share/wallpapers/ColdRipple/contents/images/2560x1600.jpg", StampUse::Test},
        {"/usr/share/wallpapers/OneStandsOut/contents/images/2560x1600.jpg", StampUse::Test},
        {"/usr/share/wallpapers/Volna/contents/images/5120x2880.jpg", StampUse::Test},
    };
    return s;
}

std::filesystem::path defaultStampsDir()
{
    return "/usr/share/tuxpaint/stamps";
}

} // namespace zm

//! Fictional people, places and phone numbers: Chinese personal names from common surnames and
//! given-name characters, hamlet and red-yard names, estates and roads for urban addresses.
//!
//! Every name is drawn at random; any likeness to a real person is chance. Phone numbers all start
//! with `100`, a prefix no Chinese mobile number uses, so they are 11-digit and mobile-shaped but
//! cannot reach anyone.

use super::rng::Rng;

/// Common surnames, the first ones (王 李 张 刘 陈 …) weighted higher as in the population.
const SURNAMES: [&str; 100] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于",
    "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆",
    "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛",
    "闫", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "武",
    "戴", "莫", "孔", "向", "汤",
];

const GIVEN_M: [&str; 60] = [
    "建", "国", "华", "明", "军", "平", "伟", "强", "勇", "志", "文", "斌", "涛", "刚", "杰", "峰", "辉", "林", "波",
    "磊", "鹏", "海", "宏", "俊", "宇", "浩", "鑫", "超", "亮", "春", "德", "福", "贵", "兴", "发", "成", "友", "山",
    "家", "永", "忠", "胜", "祥", "才", "金", "学", "光", "荣", "东", "新", "立", "清", "正", "长", "水", "生", "中",
    "和", "安", "青",
];

const GIVEN_F: [&str; 50] = [
    "秀", "英", "兰", "芳", "丽", "霞", "敏", "静", "娟", "艳", "梅", "琴", "玲", "桂", "凤", "燕", "红", "萍", "雪",
    "婷", "慧", "莉", "娜", "珍", "华", "芬", "云", "洁", "淑", "丹", "菊", "香", "翠", "琼", "美", "月", "春", "花",
    "玉", "荣", "倩", "颖", "晶", "欣", "悦", "媛", "璐", "佳", "琳", "瑶",
];

/// Landforms that end hamlet names in the hills of 南漳 (湾 bay, 坪 flat, 岗 ridge, 沟 gully …).
const LANDFORMS: [&str; 16] = [
    "湾", "坪", "岗", "沟", "垭", "冲", "坡", "畈", "咀", "院", "台", "岭", "河", "庄", "店", "垱",
];

const ESTATE_HEADS: [&str; 24] = [
    "江景", "汉水", "锦绣", "阳光", "翠园", "康居", "和谐", "金色", "丽景", "滨江", "怡景", "福星", "书香", "御景",
    "春华", "清风", "紫荆", "梧桐", "明珠", "长虹", "盛世", "嘉禾", "宜居", "荷塘",
];
const ESTATE_TAILS: [&str; 8] = ["花园", "小区", "家园", "苑", "华庭", "新村", "公寓", "雅居"];

const ROADS: [&str; 20] = [
    "建设路",
    "解放路",
    "人民路",
    "胜利街",
    "新华路",
    "和平路",
    "文化路",
    "友谊路",
    "团结路",
    "光明路",
    "幸福路",
    "平安路",
    "振兴路",
    "育才路",
    "兴业路",
    "民主路",
    "东风路",
    "朝阳路",
    "健康路",
    "前进路",
];

/// A random surname, weighted towards the common ones.
pub fn surname(rng: &mut Rng) -> &'static str {
    // Two thirds of draws from the 20 most common, the rest from all 100.
    if rng.chance(0.66) {
        SURNAMES[rng.index(20)]
    } else {
        rng.pick(&SURNAMES)
    }
}

/// A random full name: surname plus one or two given-name characters.
pub fn person(rng: &mut Rng) -> String {
    let pool: &[&str] = if rng.chance(0.5) { &GIVEN_M } else { &GIVEN_F };
    let mut s = surname(rng).to_owned();
    s.push_str(rng.pick(pool));
    if rng.chance(0.72) {
        s.push_str(rng.pick(pool));
    }
    s
}

/// A fictional 11-digit mobile-shaped number: `100` and eight random digits.
pub fn phone(rng: &mut Rng) -> String {
    format!("100{:08}", rng.int(0, 99_999_999))
}

/// A hamlet name such as 刘家湾.
pub fn hamlet(rng: &mut Rng) -> String {
    format!("{}家{}", surname(rng), rng.pick(&LANDFORMS))
}

/// A housing-estate name such as 翠园小区.
pub fn estate(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(&ESTATE_HEADS), rng.pick(&ESTATE_TAILS))
}

/// A road name such as 建设路.
pub fn road(rng: &mut Rng) -> &'static str {
    rng.pick(&ROADS)
}

/// Draws names with `draw` until one is not in `taken`, then records it (falls back to a numbered
/// variant after many tries, so it always ends).
pub fn unique(
    taken: &mut std::collections::BTreeSet<String>,
    rng: &mut Rng,
    draw: impl Fn(&mut Rng) -> String,
) -> String {
    for _ in 0..200 {
        let n = draw(rng);
        if taken.insert(n.clone()) {
            return n;
        }
    }
    let base = draw(rng);
    let n = (2..)
        .map(|i| format!("{base}{i}"))
        .find(|n| !taken.contains(n))
        .unwrap_or(base);
    taken.insert(n.clone());
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_phones_have_the_right_shape() {
        let mut rng = Rng::keyed(9, "names");
        for _ in 0..200 {
            let n = person(&mut rng);
            assert!((2..=3).contains(&n.chars().count()), "{n}");
            let p = phone(&mut rng);
            assert_eq!(p.len(), 11);
            assert!(p.starts_with("100") && p.bytes().all(|b| b.is_ascii_digit()));
        }
        let mut taken = std::collections::BTreeSet::new();
        let a = unique(&mut taken, &mut rng, |_| "刘家湾".to_owned());
        let b = unique(&mut taken, &mut rng, |_| "刘家湾".to_owned());
        assert_eq!((a.as_str(), b.as_str()), ("刘家湾", "刘家湾2"));
    }
}

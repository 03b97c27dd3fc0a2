from django.test import SimpleTestCase

from bygdebas.connectivity import results


def pair(origin: str, destination: str, journeys: int) -> dict:
    return {
        "from": origin,
        "to": destination,
        "journeys": journeys,
        "commute_possible": False,
    }


class FindingsTests(SimpleTestCase):
    def test_the_fewest_journeys_are_not_one_place_and_all_it_connects_to(self) -> None:
        pairs = [pair("Skinnskatteberg", f"Ort {i}", 1 + i % 3) for i in range(10)]
        pairs += [pair("Ort 1", "Ort 2", 4), pair("Ort 3", "Ort 4", 5), pair("Ort 5", "Ort 6", 6)]
        found = results.findings({"pairs": pairs, "places": []})
        names = [name for o, d, _ in found.fewest_journeys for name in (o, d)]
        self.assertEqual(names.count("Skinnskatteberg"), 2)
        self.assertEqual(
            [(o, d) for o, d, _ in found.fewest_journeys][-3:],
            [("Ort 1", "Ort 2"), ("Ort 3", "Ort 4"), ("Ort 5", "Ort 6")],
        )

    def test_a_place_without_stops_has_dashes_in_the_matrix(self) -> None:
        result = {
            "places": [{"name": "A", "stops": 1}, {"name": "B", "stops": 0}],
            "pairs": [pair("A", "B", 0), pair("B", "A", 0)],
        }
        matrix = results.build_matrix(result)
        self.assertEqual(matrix.unserved, frozenset({"B"}))
        cell = matrix.rows[0].cells[1]
        self.assertTrue(cell.is_unserved)
        self.assertEqual(cell.text, "–")
        self.assertFalse(matrix.rows[1].has_stops)

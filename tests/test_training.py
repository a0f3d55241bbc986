import pytest

from nnhelpers.training import progress_enabled, train


def test_train_records_one_loss_per_epoch_after_each_step():
    state, losses = train(lambda s: s / 2, 16.0, 4, loss=lambda s: s, progress=False)
    assert state == 1.0 and losses == [8.0, 4.0, 2.0, 1.0]


def test_train_without_loss_and_zero_epochs():
    assert train(lambda s: s + 1, 0, 3, progress=False) == (3, [])
    assert train(lambda s: s + 1, 5, 0, progress=False) == (5, [])


@pytest.mark.parametrize("epochs", [-1, 2.5])
def test_train_rejects_impossible_epochs(epochs):
    with pytest.raises(ValueError, match="whole number"):
        train(lambda s: s, 0, epochs)


def test_progress_is_off_when_asked_or_configured(monkeypatch):
    assert progress_enabled(False) is False and progress_enabled(True) is True
    monkeypatch.setenv("NNHELPERS_PROGRESS", "off")
    assert progress_enabled() is False


def test_progress_bar_writes_nothing_when_disabled(capsys):
    train(lambda s: s, 0, 50, loss=lambda s: 0.0, progress=False)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
